using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

/// <summary>Restarts its own sshd with a new host key, so it does not share the server with other classes.</summary>
public sealed class HostKeyChangeTests : IAsyncLifetime
{
    private readonly SshdFixture _sshd = new();

    public Task InitializeAsync() => _sshd.InitializeAsync();

    public Task DisposeAsync() => _sshd.DisposeAsync();

    [Fact]
    public async Task ConnectAsync_HostKeyChanged_RefusedNamingBothFingerprints()
    {
        var store = _sshd.PinnedKnownHosts();
        var pinned = _sshd.HostKeyFingerprint;
        await using (await SshSession.ConnectAsync(_sshd.Options(), store))
        {
        }

        await _sshd.RestartWithNewHostKeyAsync();
        var presented = _sshd.HostKeyFingerprint;
        var e = await Assert.ThrowsAsync<HostKeyException>(() => SshSession.ConnectAsync(_sshd.Options(), store));

        Assert.NotEqual(pinned, presented);
        Assert.Equal(HostKeyProblem.Changed, e.Problem);
        Assert.Equal(pinned, e.PinnedFingerprint);
        Assert.Equal(presented, e.Fingerprint);
        Assert.Contains(pinned, e.Message, StringComparison.Ordinal);
        Assert.Contains(presented, e.Message, StringComparison.Ordinal);
        Assert.Contains("CHANGED", e.Message, StringComparison.Ordinal);
        Assert.Equal(pinned, store.Get("127.0.0.1", _sshd.Port)!.Fingerprint);
    }

    [Fact]
    public async Task ConnectAsync_HostKeyChangedWithAcceptFingerprint_StillRefused()
    {
        var store = _sshd.PinnedKnownHosts();
        var pinned = _sshd.HostKeyFingerprint;

        await _sshd.RestartWithNewHostKeyAsync();
        var e = await Assert.ThrowsAsync<HostKeyException>(() => SshSession.ConnectAsync(_sshd.Options(acceptFingerprint: _sshd.HostKeyFingerprint), store));

        Assert.Equal(HostKeyProblem.Changed, e.Problem);
        Assert.Equal(pinned, store.Get("127.0.0.1", _sshd.Port)!.Fingerprint);
    }

    [Fact]
    public async Task OpenSsh_WrittenKnownHostsAfterKeyChange_RefusesToo()
    {
        var store = _sshd.PinnedKnownHosts();
        var knownHostsFile = Path.Combine(RemoteTestFiles.TempDir("psync-ssh-"), "known_hosts");
        store.WriteOpenSshKnownHosts(knownHostsFile);

        await _sshd.RestartWithNewHostKeyAsync();

        var e = await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(() => SshSessionTests.RunAsync(
            "ssh", "-F", "/dev/null", "-i", _sshd.Ed25519Key, "-p", _sshd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHostsFile}", "-o", "GlobalKnownHostsFile=/dev/null",
            $"{Environment.UserName}@127.0.0.1", "true"));
        Assert.Contains("HOST IDENTIFICATION HAS CHANGED", e.Message, StringComparison.Ordinal);
    }
}
