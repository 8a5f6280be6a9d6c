using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

public sealed class SshSessionTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    [Theory]
    [InlineData("id_ed25519")]
    [InlineData("id_rsa")]
    public async Task ConnectAsync_PinnedHostAndAuthorizedKey_RunsCommands(string keyName)
    {
        var options = sshd.Options(Path.Combine(sshd.Directory, keyName));

        await using var session = await SshSession.ConnectAsync(options, sshd.PinnedKnownHosts());
        var result = await session.RunAsync("printf '%s' \"$USER\"; echo oops >&2; exit 3");

        Assert.True(session.IsConnected);
        Assert.Equal(sshd.HostKeyFingerprint, session.HostKeyFingerprint);
        Assert.Equal(3, result.ExitStatus);
        Assert.Equal(Environment.UserName, result.Output);
        Assert.Equal("oops\n", result.Error);
    }

    [Fact]
    public async Task ConnectAsync_EncryptedKeyWithPassphrase_Connects()
    {
        var options = sshd.Options(sshd.EncryptedKey) with { Passphrase = SshdFixture.Passphrase };

        await using var session = await SshSession.ConnectAsync(options, sshd.PinnedKnownHosts());

        Assert.True((await session.RunAsync("true")).Succeeded);
    }

    [Fact]
    public async Task ConnectAsync_EncryptedKeyWithoutPassphrase_SaysSo()
    {
        var e = await Assert.ThrowsAsync<KeyFileException>(() => SshSession.ConnectAsync(sshd.Options(sshd.EncryptedKey), sshd.PinnedKnownHosts()));

        Assert.Contains("passphrase", e.Message, StringComparison.Ordinal);
        Assert.Contains(sshd.EncryptedKey, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_WrongPassphrase_NamesTheKeyFile()
    {
        var options = sshd.Options(sshd.EncryptedKey) with { Passphrase = "wrong" };

        var e = await Assert.ThrowsAsync<KeyFileException>(() => SshSession.ConnectAsync(options, sshd.PinnedKnownHosts()));

        Assert.Contains(sshd.EncryptedKey, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_KeyNotAuthorized_SaysTheServerRefusedIt()
    {
        var stranger = Path.Combine(RemoteTestFiles.TempDir("psync-key-"), "stranger");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger);

        var e = await Assert.ThrowsAsync<RemoteException>(() => SshSession.ConnectAsync(sshd.Options(stranger), sshd.PinnedKnownHosts()));

        Assert.Contains("did not accept the key", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(stranger, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_UnknownHost_RefusedWithFingerprint()
    {
        var store = new KnownHosts(Path.Combine(RemoteTestFiles.TempDir("psync-kh-"), "known_hosts"));

        var e = await Assert.ThrowsAsync<HostKeyException>(() => SshSession.ConnectAsync(sshd.Options(), store));

        Assert.Equal(HostKeyProblem.Unknown, e.Problem);
        Assert.Equal(sshd.HostKeyFingerprint, e.Fingerprint);
        Assert.Equal("ssh-ed25519", e.KeyType);
        Assert.Equal(sshd.HostPublicKey, e.PublicKey);
        Assert.Null(e.PinnedFingerprint);
        Assert.Contains(sshd.HostKeyFingerprint, e.Message, StringComparison.Ordinal);
        Assert.Null(store.Get("127.0.0.1", sshd.Port));
    }

    [Fact]
    public async Task ConnectAsync_UnknownHostThenTrust_Connects()
    {
        var store = new KnownHosts(Path.Combine(RemoteTestFiles.TempDir("psync-kh-"), "known_hosts"));
        var refused = await Assert.ThrowsAsync<HostKeyException>(() => SshSession.ConnectAsync(sshd.Options(), store));

        store.Trust(refused.Address.Host, refused.Address.Port, refused.KeyType, refused.PublicKey);
        await using var session = await SshSession.ConnectAsync(sshd.Options(), store);

        Assert.Equal(refused.Fingerprint, session.HostKeyFingerprint);
    }

    [Fact]
    public async Task ConnectAsync_UnknownHostWithMatchingAcceptFingerprint_PinsAndConnects()
    {
        var store = new KnownHosts(Path.Combine(RemoteTestFiles.TempDir("psync-kh-"), "known_hosts"));

        await using (await SshSession.ConnectAsync(sshd.Options(acceptFingerprint: sshd.HostKeyFingerprint), store))
        {
        }

        Assert.Equal(sshd.HostKeyFingerprint, store.Get("127.0.0.1", sshd.Port)?.Fingerprint);
        // Pinned now: no fingerprint needed any more.
        await using var again = await SshSession.ConnectAsync(sshd.Options(), store);
        Assert.True(again.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_UnknownHostWithOtherAcceptFingerprint_Refused()
    {
        var store = new KnownHosts(Path.Combine(RemoteTestFiles.TempDir("psync-kh-"), "known_hosts"));
        var options = sshd.Options(acceptFingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");

        var e = await Assert.ThrowsAsync<HostKeyException>(() => SshSession.ConnectAsync(options, store));

        Assert.Equal(HostKeyProblem.Unknown, e.Problem);
        Assert.Null(store.Get("127.0.0.1", sshd.Port));
    }

    [Fact]
    public async Task ConnectAsync_SshNetFingerprint_EqualsOpenSshKeygen()
    {
        var keygen = await RunAsync("ssh-keygen", "-l", "-E", "sha256", "-f", sshd.HostKeyFile + ".pub");

        Assert.Contains(sshd.HostKeyFingerprint, keygen, StringComparison.Ordinal);
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());
        Assert.Contains(session.HostKeyFingerprint, keygen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteOpenSshKnownHosts_PinnedByPsync_OpenSshClientAcceptsIt()
    {
        var store = new KnownHosts(Path.Combine(RemoteTestFiles.TempDir("psync-kh-"), "known_hosts"));
        await using (await SshSession.ConnectAsync(sshd.Options(acceptFingerprint: sshd.HostKeyFingerprint), store))
        {
        }
        var knownHostsFile = Path.Combine(RemoteTestFiles.TempDir("psync-ssh-"), "known_hosts");

        store.WriteOpenSshKnownHosts(knownHostsFile);

        var output = await RunAsync(
            "ssh", "-F", "/dev/null", "-i", sshd.Ed25519Key, "-p", sshd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHostsFile}", "-o", "GlobalKnownHostsFile=/dev/null",
            $"{Environment.UserName}@127.0.0.1", "echo via-openssh");
        Assert.Equal("via-openssh\n", output);
    }

    [Fact]
    public async Task ConnectAsync_SilentServer_TimesOutWithClearMessage()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = sshd.Options() with
        {
            Address = new RemoteAddress(Environment.UserName, "127.0.0.1", port),
            ConnectTimeout = TimeSpan.FromSeconds(1),
        };
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<RemoteException>(() => SshSession.ConnectAsync(options, sshd.PinnedKnownHosts()));

        Assert.Contains("no SSH login within 1 s", e.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_SaysCannotReach()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = sshd.Options() with { Address = new RemoteAddress(Environment.UserName, "127.0.0.1", port) };

        var e = await Assert.ThrowsAsync<RemoteException>(() => SshSession.ConnectAsync(options, sshd.PinnedKnownHosts()));

        Assert.Contains($"cannot reach 127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    internal static async Task<string> RunAsync(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}: {await stderr}");
        return stdout;
    }
}
