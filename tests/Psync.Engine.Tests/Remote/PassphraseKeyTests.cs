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
        using var terminal = AtATerminal(ShellQuote.Join(PsyncAtTerminal(left, right)));

        await terminal.WaitForAsync("Passphrase for");
        await terminal.TypeAsync(SshdFixture.Passphrase + "\n");
        var text = await terminal.ExitAsync();

        Assert.True(terminal.ExitCode == 0, text);
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

    private string[] PsyncAtTerminal(string left, string right) =>
    [
        "dotnet", Path.Combine(AppContext.BaseDirectory, "psync.dll"), "-s", "-r", Host, "-i", sshd.EncryptedKey, "--accept-host-key", sshd.HostKeyFingerprint,
        "--agent", RemoteTestFiles.AgentPath(), "--data-dir", Path.Combine(_dir, "data"), left, right,
    ];

    /// <summary>A shell command run at a terminal of its own (util-linux script), without $PSYNC_KEY_PASSPHRASE.</summary>
    private static TerminalRun AtATerminal(string command)
    {
        var psi = new ProcessStartInfo("script", ["-qec", $"sh -c {ShellQuote.Join(command)}", "/dev/null"]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        psi.Environment.Remove("PSYNC_KEY_PASSPHRASE");
        return new TerminalRun(Process.Start(psi)!);
    }

    private sealed class TerminalRun : IDisposable
    {
        private readonly Process _script;
        private readonly System.Text.StringBuilder _seen = new();
        private readonly Task _reading;

        public TerminalRun(Process script)
        {
            _script = script;
            _reading = Task.Run(async () =>
            {
                var buffer = new char[256];
                int read;
                while ((read = await script.StandardOutput.ReadAsync(buffer)) > 0)
                {
                    lock (_seen)
                    {
                        _seen.Append(buffer, 0, read);
                    }
                }
            });
        }

        public int ExitCode => _script.ExitCode;

        public Task WaitForAsync(string text) => PassphraseKeyTests.WaitForAsync(() => Seen().Contains(text, StringComparison.Ordinal), $"'{text}' at the terminal");

        public async Task TypeAsync(string keys)
        {
            await _script.StandardInput.WriteAsync(keys);
            await _script.StandardInput.FlushAsync();
        }

        /// <summary>All the terminal showed, once the command ended.</summary>
        public async Task<string> ExitAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _script.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the command at the terminal did not end within 60 s; the terminal showed:\n{Seen()}");
            }
            await _reading;
            return Seen();
        }

        public void Dispose()
        {
            if (!_script.HasExited)
            {
                _script.Kill(entireProcessTree: true);
            }
            _script.Dispose();
        }

        private string Seen()
        {
            lock (_seen)
            {
                return _seen.ToString();
            }
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
