using System.Diagnostics;
using Psync.Engine.Remote;
using Renci.SshNet;
using Renci.SshNet.Security;

namespace Psync.Engine.Tests.Remote;

/// <summary>Keys with a passphrase and the user's own ssh-agent, end to end with rsync over the loopback sshd.</summary>
public sealed class PassphraseKeyTests(SshdFixture sshd) : IClassFixture<SshdFixture>, IDisposable
{
    private readonly string _dir = RemoteTestFiles.TempDir("psync-passphrase-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Host => $"{sshd.Address.User}@127.0.0.1:{sshd.Address.Port}";

    [Fact]
    public async Task PsyncDashR_EncryptedKeyAndPassphraseInTheEnvironment_SyncsBothWaysAndNoFileHoldsTheDecryptedKey()
    {
        var (left, right) = await TreesAsync();
        var data = Path.Combine(_dir, "data");

        var run = await Cli.PsyncProcess.RunAsync(new Dictionary<string, string?> { ["PSYNC_KEY_PASSPHRASE"] = SshdFixture.Passphrase },
            "-s", "-r", Host, "-i", sshd.EncryptedKey, "--accept-host-key", sshd.HostKeyFingerprint, "--agent", RemoteTestFiles.AgentPath(), "--data-dir", data, left, right);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("left", await File.ReadAllTextAsync(Path.Combine(right, "l.txt")));
        Assert.Equal("right", await File.ReadAllTextAsync(Path.Combine(left, "r.txt")));
        // The seed of the ed25519 key is what a decrypted key file would hold.
        using var key = new PrivateKeyFile(sshd.EncryptedKey, SshdFixture.Passphrase);
        var seed = ((ED25519Key)key.Key).PrivateKey;
        // The pair's run folder (ssh's control socket, the private agent's socket): /tmp/psync-UID-HASH of the data folder.
        var runFolder = Directory.GetDirectories("/tmp", $"psync-*-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(data)))[..8]}").Single();
        var files = new[] { data, runFolder, sshd.Directory }.SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories)).ToList();
        Assert.NotEmpty(files);
        Assert.DoesNotContain(files, f => Contains(f, seed));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(runFolder));
        // The pair's private ssh-agent and its socket end with the pair.
        Assert.False(File.Exists(Path.Combine(runFolder, "agent.sock")));
        Assert.DoesNotContain(Process.GetProcessesByName("ssh-agent"), p => File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(runFolder, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PsyncDashR_EncryptedKeyWithoutPassphraseNoTerminal_ExitsOneSayingHowToGiveIt()
    {
        var (left, right) = await TreesAsync();

        var run = await Cli.PsyncProcess.RunAsync(new Dictionary<string, string?> { ["PSYNC_KEY_PASSPHRASE"] = null },
            "-r", Host, "-i", sshd.EncryptedKey, "--accept-host-key", sshd.HostKeyFingerprint, "--agent", RemoteTestFiles.AgentPath(), "--data-dir", Path.Combine(_dir, "data"), left, right);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"the key file {sshd.EncryptedKey} is protected by a passphrase, and none was given: psync asks for it at a terminal or reads PSYNC_KEY_PASSPHRASE", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PsyncDashR_WrongPassphrase_ExitsOneAskingWhetherItIsRight()
    {
        var (left, right) = await TreesAsync();

        var run = await Cli.PsyncProcess.RunAsync(new Dictionary<string, string?> { ["PSYNC_KEY_PASSPHRASE"] = "wrong" },
            "-r", Host, "-i", sshd.EncryptedKey, "--accept-host-key", sshd.HostKeyFingerprint, "--agent", RemoteTestFiles.AgentPath(), "--data-dir", Path.Combine(_dir, "data"), left, right);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("(is the passphrase right?)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PsyncDashR_AtATerminal_AsksForThePassphraseWithoutEcho()
    {
        var (left, right) = await TreesAsync();
        var command = ShellQuote.Join(
            "dotnet", Path.Combine(AppContext.BaseDirectory, "psync.dll"), "-s", "-r", Host, "-i", sshd.EncryptedKey, "--accept-host-key", sshd.HostKeyFingerprint,
            "--agent", RemoteTestFiles.AgentPath(), "--data-dir", Path.Combine(_dir, "data"), left, right);
        var psi = new ProcessStartInfo("script", ["-qec", command, "/dev/null"]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        psi.Environment.Remove("PSYNC_KEY_PASSPHRASE");
        using var script = Process.Start(psi)!;
        var seen = new System.Text.StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[256];
            int read;
            while ((read = await script.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (seen)
                {
                    seen.Append(buffer, 0, read);
                }
            }
        });
        string Seen()
        {
            lock (seen)
            {
                return seen.ToString();
            }
        }
        // Typed only once asked: the terminal echoes what arrives before psync turned echo off.
        await WaitForAsync(() => Seen().Contains("Passphrase for", StringComparison.Ordinal), "passphrase prompt");
        await script.StandardInput.WriteLineAsync(SshdFixture.Passphrase);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await script.WaitForExitAsync(deadline.Token);
        await reading;

        var text = Seen();
        Assert.True(script.ExitCode == 0, text);
        Assert.Contains($"Passphrase for {sshd.EncryptedKey}: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain(SshdFixture.Passphrase, text, StringComparison.Ordinal);
        Assert.Equal("left", await File.ReadAllTextAsync(Path.Combine(right, "l.txt")));
    }

    [Fact]
    public async Task PsyncDashR_SshAgentOption_LogsInWithTheUsersAgentWithoutAKeyFile()
    {
        var (left, right) = await TreesAsync();
        var socket = Path.Combine(_dir, "user-agent.sock");
        using var agent = Process.Start(new ProcessStartInfo("ssh-agent", ["-D", "-a", socket]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            await WaitForAsync(() => File.Exists(socket), "the user's ssh-agent socket");
            var add = Process.Start(new ProcessStartInfo("ssh-add", ["-q", sshd.Ed25519Key]) { Environment = { ["SSH_AUTH_SOCK"] = socket }, UseShellExecute = false })!;
            await add.WaitForExitAsync();
            Assert.Equal(0, add.ExitCode);

            var run = await Cli.PsyncProcess.RunAsync(new Dictionary<string, string?> { ["SSH_AUTH_SOCK"] = socket },
                "-s", "-r", Host, "--ssh-agent", "--accept-host-key", sshd.HostKeyFingerprint, "--agent", RemoteTestFiles.AgentPath(), "--data-dir", Path.Combine(_dir, "data"), left, right);

            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal("left", await File.ReadAllTextAsync(Path.Combine(right, "l.txt")));
            Assert.Equal("right", await File.ReadAllTextAsync(Path.Combine(left, "r.txt")));
        }
        finally
        {
            agent.Kill();
        }
    }

    private async Task<(string Left, string Right)> TreesAsync()
    {
        var left = Directory.CreateDirectory(Path.Combine(_dir, "left")).FullName;
        var right = Directory.CreateDirectory(Path.Combine(_dir, "right")).FullName;
        await File.WriteAllTextAsync(Path.Combine(left, "l.txt"), "left");
        await File.WriteAllTextAsync(Path.Combine(right, "r.txt"), "right");
        return (left, right);
    }

    private static bool Contains(string file, byte[] needle)
    {
        try
        {
            return File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0;
        }
        catch (IOException)
        {
            return false; // a socket or a file that went away meanwhile
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"no {what} within 10 s");
            await Task.Delay(10);
        }
    }
}
