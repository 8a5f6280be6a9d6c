using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

/// <summary>A host whose sessions have a PATH with the basic tools but no rsync.</summary>
public sealed class MissingRsyncTests : IAsyncLifetime
{
    private readonly string _bin = RemoteTestFiles.TempDir("psync-bin-");
    private readonly SshdFixture _sshd;

    public MissingRsyncTests()
    {
        foreach (var tool in new[] { "sh", "uname", "head", "mkdir", "sha256sum", "chmod", "mv", "rm", "id", "cat", "basename" })
        {
            File.CreateSymbolicLink(Path.Combine(_bin, tool), Path.Combine("/usr/bin", tool) is var p && File.Exists(p) ? p : Path.Combine("/bin", tool));
        }
        _sshd = new SshdFixture { PathOverride = _bin };
    }

    public Task InitializeAsync() => _sshd.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _sshd.DisposeAsync();
        Directory.Delete(_bin, recursive: true);
    }

    [Fact]
    public async Task DeployAsync_NoRsyncOnHost_SaysRsyncIsNotInstalled()
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        await using var session = await SshSession.ConnectAsync(_sshd.Options(), _sshd.PinnedKnownHosts());

        var e = await Assert.ThrowsAsync<DeployException>(() => new AgentDeployer(session, bundle, Path.Combine(_sshd.Directory, "agents")).DeployAsync(_sshd.Home));

        Assert.StartsWith("rsync is not installed on 127.0.0.1", e.Message, StringComparison.Ordinal);
    }
}
