using System.Diagnostics;
using System.Text;
using Psync.Engine.Agents;
using Psync.Engine.Remote;
using Psync.Protocol;

namespace Psync.Engine.Tests.Remote;

public sealed class RemoteAgentTests(SshdFixture sshd) : IClassFixture<SshdFixture>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly string _root = RemoteTestFiles.TempDir("psync-right-");
    private readonly string _base = RemoteTestFiles.TempDir("psync-agents-");

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_base, recursive: true);
    }

    [Fact]
    public async Task StartAsync_DeployedAgent_HelloAndStatOverSsh()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "a b\n'c'.txt"), "hello");
        var bundle = await RemoteTestFiles.BundleAsync();
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());
        var deployment = await new AgentDeployer(session, bundle, _base).DeployAsync(_root);
        var stderr = new List<string>();

        await using var agent = await RemoteAgent.StartAsync(session, deployment.AgentPath, _root, line => { lock (stderr) { stderr.Add(line); } });
        var hello = await agent.HelloAsync(Deadline);
        var stat = await agent.RunAsync(new StatOp("a b\n'c'.txt")).WaitAsync(Deadline);
        var absent = await agent.RunAsync(new StatOp("missing")).WaitAsync(Deadline);

        Assert.Equal(bundle.Version, hello.AgentVersion);
        Assert.Equal(_root, hello.Root);
        Assert.True(hello.RootExists);
        Assert.True(hello.RootWritable);
        Assert.True(hello.CinotifyFound);
        Assert.Null(agent.ProcessId);
        Assert.Equal(OpStatus.Ok, stat.Status);
        Assert.Equal(EntryKind.File, stat.State.Kind);
        Assert.Equal(5, stat.State.Size);
        Assert.False(absent.State.Exists);
    }

    [Fact]
    public async Task StartAsync_RootWithSpecialCharacters_AgentGetsThatRoot()
    {
        var root = Directory.CreateDirectory(Path.Combine(_root, "-it's $HOME `x`")).FullName;
        var bundle = await RemoteTestFiles.BundleAsync();
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());
        var deployment = await new AgentDeployer(session, bundle, _base).DeployAsync(root);

        await using var agent = await RemoteAgent.StartAsync(session, deployment.AgentPath, root);

        Assert.Equal(root, (await agent.HelloAsync(Deadline)).Root);
    }

    [Fact]
    public async Task DisposeAsync_RunningAgent_RemoteProcessEnds()
    {
        var (session, agent) = await StartAgentAsync();
        await using var _ = session;
        await agent.HelloAsync(Deadline);
        var pid = Assert.Single(AgentPids());

        await agent.DisposeAsync();

        await WaitUntilAsync(() => !Directory.Exists($"/proc/{pid}"), $"agent {pid} still running after dispose");
    }

    [Fact]
    public async Task Completion_AgentKilled_CompletesAndOperationsFail()
    {
        var (session, agent) = await StartAgentAsync();
        await using var _ = session;
        await using var __ = agent;
        await agent.HelloAsync(Deadline);

        Process.GetProcessById(Assert.Single(AgentPids())).Kill();

        await agent.Completion.WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        Assert.True(agent.Completion.IsCompleted);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => agent.RunAsync(new StatOp("x")).WaitAsync(Deadline));
        Assert.IsNotType<TimeoutException>(e);
        Assert.True(session.IsConnected);
    }

    [Fact]
    public async Task Completion_SessionClosed_CompletesAndAgentEnds()
    {
        var (session, agent) = await StartAgentAsync();
        await using var __ = agent;
        await agent.HelloAsync(Deadline);
        var pid = Assert.Single(AgentPids());

        await session.DisposeAsync();

        await agent.Completion.WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        Assert.True(agent.Completion.IsCompleted);
        await WaitUntilAsync(() => !Directory.Exists($"/proc/{pid}"), $"agent {pid} still running after the session closed");
    }

    private async Task<(SshSession Session, AgentConnection Agent)> StartAgentAsync()
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());
        var deployment = await new AgentDeployer(session, bundle, _base).DeployAsync(_root);
        return (session, await RemoteAgent.StartAsync(session, deployment.AgentPath, _root));
    }

    /// <summary>The agents serving this test's root (sshd runs on this machine, so they are local processes).</summary>
    private List<int> AgentPids()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var args = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline"))).Split('\0');
                if (args.Length >= 3 && args[0].EndsWith("/psync-agent", StringComparison.Ordinal) && args[1] == "--root" && args[2] == _root)
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return pids;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Deadline, failure);
            await Task.Delay(20);
        }
    }
}
