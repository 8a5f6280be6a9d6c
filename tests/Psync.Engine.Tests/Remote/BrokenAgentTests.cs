using System.Diagnostics;

namespace Psync.Engine.Tests.Remote;

/// <summary>An agent that does not start on the right host stops the pair with the cause, and is not uploaded again and again.</summary>
public sealed class BrokenAgentTests(SshdFixture sshd) : IClassFixture<SshdFixture>, IDisposable
{
    private readonly string _dir = RemoteTestFiles.TempDir("psync-broken-agent-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task PsyncDashR_AgentThatFailsOnTheHost_ExitsOneWithTheCauseAfterOneUpload()
    {
        // A static program that answers --version here but refuses to run in an ssh session: like an
        // agent the right host's kernel or security policy will not run.
        var bundle = Directory.CreateDirectory(Path.Combine(_dir, "agents", "linux-x64")).FullName;
        var source = Path.Combine(_dir, "agent.c");
        await File.WriteAllTextAsync(source, """
            #include <stdio.h>
            #include <stdlib.h>
            int main(void) {
                if (getenv("SSH_CONNECTION")) { fputs("refused by the host's policy\n", stderr); return 1; }
                puts("0.0.1-broken");
                return 0;
            }
            """);
        await HostFactsTests.RunAsync("cc", "-static", "-o", Path.Combine(bundle, "psync-agent"), source);
        File.Copy(Path.Combine(Path.GetDirectoryName(RemoteTestFiles.AgentPath())!, "cinotify"), Path.Combine(bundle, "cinotify"));
        var left = Directory.CreateDirectory(Path.Combine(_dir, "left")).FullName;
        var right = Directory.CreateDirectory(Path.Combine(_dir, "right")).FullName;
        var started = Stopwatch.StartNew();

        // Not -s: a running pair used to retry the upload for ever.
        var run = await Cli.PsyncProcess.RunAsync(new Dictionary<string, string?> { ["PSYNC_AGENT"] = null },
            "-r", $"{sshd.Address.User}@127.0.0.1:{sshd.Address.Port}", "-i", sshd.Ed25519Key, "--accept-host-key", sshd.HostKeyFingerprint,
            "--agent", Path.Combine(_dir, "agents"), "--data-dir", Path.Combine(_dir, "data"), left, right);

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.Stderr.Split('\n'), l => l.StartsWith("psync: ", StringComparison.Ordinal));
        Assert.Matches(@"^psync: the agent uploaded to 127\.0\.0\.1 does not start there \(exit 1\): refused by the host's policy\. It is /.*/0\.0\.1-broken/linux-x64/psync-agent; nothing is retried until the host or the agent build changes$", error);
        Assert.Single(run.Stdout.Split('\n'), l => l.Contains("uploading psync-agent", StringComparison.Ordinal));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task PsyncDashR_PlainBuildAgentOutsideTheCheckout_FailsAtOnceBeforeConnecting()
    {
        var plain = Directory.CreateDirectory(Path.Combine(_dir, "plain")).FullName;
        foreach (var file in new[] { "psync-agent", "psync-agent.dll", "psync-agent.runtimeconfig.json", "Psync.Protocol.dll", "cinotify" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, file), Path.Combine(plain, file));
        }
        var left = Directory.CreateDirectory(Path.Combine(_dir, "left")).FullName;

        var run = await Cli.PsyncProcess.RunAsync(new Dictionary<string, string?> { ["PSYNC_AGENT"] = null },
            "-s", "-r", $"{sshd.Address.User}@127.0.0.1:{sshd.Address.Port}", "-i", sshd.Ed25519Key, "--accept-host-key", sshd.HostKeyFingerprint,
            "--agent", Path.Combine(plain, "psync-agent"), "--data-dir", Path.Combine(_dir, "data"), left, "/tmp/nowhere");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is a framework-dependent build (it needs .NET on the host)", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Run scripts/publish-agent.sh", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("connecting to", run.Stdout, StringComparison.Ordinal);
    }
}
