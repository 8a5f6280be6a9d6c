using Psync.Tests;
using Psync.Web.Hosts;

namespace Psync.Web.Tests.Api;

/// <summary>Its own app and sshd: it trusts the host key, which would change what the other host tests see.</summary>
public sealed class AgentDeployTests(RemoteAppFactory app, SshdFixture sshd) : IClassFixture<RemoteAppFactory>, IClassFixture<SshdFixture>
{
    [AgentFact]
    public async Task Deploy_TrustedHost_InstallsTheAgentOnceAndListsTheSteps()
    {
        var agent = RepoFiles.PublishedAgent();
        var host = await app.Client.CreateHostAsync(sshd, "deploy");
        Assert.True((await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/trust", new { fingerprint = sshd.HostKeyFingerprint })).Trusted);

        var first = await app.Client.PostOkAsync<DeployResult>($"/api/v1/hosts/{host.Id}/deploy");
        var again = await app.Client.PostOkAsync<DeployResult>($"/api/v1/hosts/{host.Id}/deploy");

        Assert.NotEmpty(first.Steps);
        Assert.StartsWith("connecting to 127.0.0.1", first.Steps[0], StringComparison.Ordinal);
        Assert.StartsWith("installed agent", first.Result, StringComparison.Ordinal);
        Assert.Contains(sshd.Home, first.Result, StringComparison.Ordinal);
        Assert.Contains("already", again.Result, StringComparison.Ordinal);
        var installed = Directory.GetFiles(sshd.Home, "psync-agent", SearchOption.AllDirectories);
        Assert.Equal(new FileInfo(agent).Length, new FileInfo(Assert.Single(installed)).Length);
    }
}
