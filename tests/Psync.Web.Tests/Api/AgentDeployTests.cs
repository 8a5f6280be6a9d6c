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

/// <summary>A remote pair made through the API: its own app and sshd, so the deploy above still finds a fresh host.</summary>
public sealed class RemotePairTests(RemoteAppFactory app, SshdFixture sshd) : IClassFixture<RemoteAppFactory>, IClassFixture<SshdFixture>
{
    [AgentFact]
    public async Task RemotePair_FilesOnBothSides_MeetOverSsh()
    {
        var left = app.NewFolder("remote-left");
        var right = Directory.CreateDirectory(Path.Combine(sshd.Home, "remote-right")).FullName;
        await File.WriteAllTextAsync(Path.Combine(right, "from-right.txt"), "right");
        await app.Client.CreateIdleRemotePairAsync(sshd, "over-ssh", left, right);

        await File.WriteAllTextAsync(Path.Combine(left, "from-left.txt"), "left");

        await PairsApi.WaitForFileAsync(Path.Combine(right, "from-left.txt"), "left");
        await PairsApi.WaitForFileAsync(Path.Combine(left, "from-right.txt"), "right");
        Assert.Contains("host-", string.Join(",", Directory.GetFiles(Path.Combine(app.DataDir, "run")).Select(Path.GetFileName)), StringComparison.Ordinal);
        Assert.DoesNotContain("probe-", string.Join(",", Directory.GetFiles(Path.Combine(app.DataDir, "run")).Select(Path.GetFileName)), StringComparison.Ordinal);
    }
}

/// <summary>Verify of a remote pair: its own app and sshd.</summary>
public sealed class RemoteVerifyTests(RemoteAppFactory app, SshdFixture sshd) : IClassFixture<RemoteAppFactory>, IClassFixture<SshdFixture>
{
    [AgentFact]
    public async Task Verify_RemotePairPaused_ListsTheFileWrittenMeanwhile()
    {
        var left = app.NewFolder("verify-left");
        var right = Directory.CreateDirectory(Path.Combine(sshd.Home, "verify-right")).FullName;
        await File.WriteAllTextAsync(Path.Combine(left, "both.txt"), "synced");
        var pair = await app.Client.CreateIdleRemotePairAsync(sshd, "verify-remote", left, right);
        await PairsApi.WaitForFileAsync(Path.Combine(right, "both.txt"), "synced");
        var same = await app.Client.PostOkAsync<Psync.Web.Pairs.VerifyResult>($"/api/v1/pairs/{pair.Id}/verify");
        Assert.True(same.Identical, string.Join(", ", same.Differences.Select(d => d.Path)));

        Assert.Equal("paused", (await app.Client.PostOkAsync<Psync.Web.Pairs.PairResource>($"/api/v1/pairs/{pair.Id}/pause")).Status.State);
        await File.WriteAllTextAsync(Path.Combine(right, "while-paused.txt"), "only on the right");
        var verify = await app.Client.PostOkAsync<Psync.Web.Pairs.VerifyResult>($"/api/v1/pairs/{pair.Id}/verify");

        Assert.False(verify.Identical);
        Assert.Equal("while-paused.txt", Assert.Single(verify.Differences).Path);
        Assert.False(File.Exists(Path.Combine(left, "while-paused.txt")));
    }
}
