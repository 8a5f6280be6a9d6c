using Psync.Engine.Agents;
using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

/// <summary>Kills its own sshd (with every session and agent under it), as a crashed or rebooted host would.</summary>
public sealed class ServerGoneTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly SshdFixture _sshd = new();
    private readonly string _root = RemoteTestFiles.TempDir("psync-right-");
    private readonly string _base = RemoteTestFiles.TempDir("psync-agents-");

    public Task InitializeAsync() => _sshd.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _sshd.DisposeAsync();
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_base, recursive: true);
    }

    [Fact]
    public async Task SshdKilled_AgentCompletesSessionClosed_ThenReconnectReusesAgent()
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        var knownHosts = _sshd.PinnedKnownHosts();
        var session = await SshSession.ConnectAsync(_sshd.Options(), knownHosts);
        await using (session)
        {
            var deployment = await new AgentDeployer(session, bundle, _base).DeployAsync(_root);
            await using var agent = await RemoteAgent.StartAsync(session, deployment.AgentPath, _root);
            await agent.HelloAsync(Deadline);

            await _sshd.StopAsync();

            await agent.Completion.WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            Assert.True(agent.Completion.IsCompleted);
            await Task.Delay(Timeout.Infinite, session.Closed).WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            Assert.True(session.Closed.IsCancellationRequested);
            Assert.False(session.IsConnected);
            var e = await Assert.ThrowsAnyAsync<Exception>(() => agent.RunAsync(new Psync.Protocol.StatOp("x")).WaitAsync(Deadline));
            Assert.True(e is AgentException or IOException, e.ToString());
        }

        await _sshd.RestartAsync();
        await using var again = await SshSession.ConnectAsync(_sshd.Options(), knownHosts);
        var redeploy = await new AgentDeployer(again, bundle, _base).DeployAsync(_root);
        await using var agentAgain = await RemoteAgent.StartAsync(again, redeploy.AgentPath, _root);

        Assert.False(redeploy.Uploaded);
        Assert.True((await agentAgain.HelloAsync(Deadline)).RootExists);
    }
}
