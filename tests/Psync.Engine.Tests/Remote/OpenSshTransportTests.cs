using System.Diagnostics;
using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

public sealed class OpenSshTransportTests(SshdFixture sshd) : IClassFixture<SshdFixture>, IDisposable
{
    private readonly List<string> _dirs = [];

    public void Dispose()
    {
        foreach (var dir in _dirs)
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Rsync_PinnedKeyAndPathsWithQuotes_CopiesOverOneMasterConnection()
    {
        var transport = Transport(sshd.PinnedKnownHosts());
        var source = Dir("psync-src-");
        var target = Dir("psync-dst-");
        await File.WriteAllTextAsync(Path.Combine(source, "one"), "1");
        try
        {
            var first = await RunAsync("rsync", "-a", "-e", transport.RsyncShell(), source + "/", transport.RsyncRemote(target + "/"));
            await File.WriteAllTextAsync(Path.Combine(source, "two"), "2");
            var master = await RunAsync("ssh", [.. transport.CheckMasterArguments()]);
            var second = await RunAsync("rsync", "-a", "-e", transport.RsyncShell(), source + "/", transport.RsyncRemote(target + "/"));

            Assert.True(first.Exit == 0, first.Error);
            Assert.True(master.Exit == 0, $"no master connection: {master.Error}");
            Assert.True(second.Exit == 0, second.Error);
            Assert.Equal("1", await File.ReadAllTextAsync(Path.Combine(target, "one")));
            Assert.Equal("2", await File.ReadAllTextAsync(Path.Combine(target, "two")));
        }
        finally
        {
            await RunAsync("ssh", [.. transport.StopMasterArguments()]);
        }
    }

    [Fact]
    public async Task Rsync_HostKeyNotPinned_Refused()
    {
        var empty = new KnownHosts(Path.Combine(Dir("psync-kh-"), "known_hosts"));
        var transport = Transport(empty);
        var source = Dir("psync-src-");
        var target = Dir("psync-dst-");
        await File.WriteAllTextAsync(Path.Combine(source, "one"), "1");

        var result = await RunAsync("rsync", "-a", "-e", transport.RsyncShell(), source + "/", transport.RsyncRemote(target + "/"));

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("Host key verification failed", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target, "one")));
    }

    [Fact]
    public void Arguments_ControlDirectoryTooLong_Throws()
    {
        var transport = new OpenSshTransport(sshd.Address, "k", "kh", "/tmp/" + new string('c', 80));

        Assert.Throws<ArgumentException>(() => transport.Arguments());
    }

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "'it''s'")]
    [InlineData("a b", "'a b'")]
    public void RsyncQuote_Word_SingleQuotedWithDoubledQuotes(string word, string expected)
    {
        Assert.Equal(expected, OpenSshTransport.RsyncQuote(word));
    }

    /// <summary>A transport whose key, known-hosts file and control folder live in paths with a space and a quote.</summary>
    private OpenSshTransport Transport(KnownHosts knownHosts)
    {
        var odd = Dir("psync ssh 'x' %d \\ \"q\" ");
        var key = Path.Combine(odd, "id key");
        File.Copy(sshd.Ed25519Key, key);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var knownHostsFile = Path.Combine(odd, "known hosts");
        knownHosts.WriteOpenSshKnownHosts(knownHostsFile);
        var control = Dir("pc '");
        File.SetUnixFileMode(control, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new OpenSshTransport(sshd.Address, key, knownHostsFile, control, "ssh-ed25519");
    }

    private string Dir(string prefix)
    {
        var dir = RemoteTestFiles.TempDir(prefix);
        _dirs.Add(dir);
        return dir;
    }

    private static async Task<(int Exit, string Error)> RunAsync(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        // ControlPersist forks a master that keeps stderr open: read stderr only up to the exit, not to its end.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await stdout.WaitAsync(TimeSpan.FromSeconds(30));
        lock (stderr)
        {
            return (process.ExitCode, stderr.ToString());
        }
    }
}
