using System.Diagnostics;
using Psync.Engine.Tests.Sync;

namespace Psync.Engine.Tests.Cli;

/// <summary>The real `psync` process syncing real trees.</summary>
public sealed class CliSyncTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psync-cli-").FullName;

    private string Left => Path.Combine(_dir, "left");

    private string Right => Path.Combine(_dir, "right");

    private string Data => Path.Combine(_dir, "data");

    public CliSyncTests()
    {
        Directory.CreateDirectory(Left);
        Directory.CreateDirectory(Right);
        File.WriteAllText(Path.Combine(Left, "l.txt"), "from left");
        File.WriteAllText(Path.Combine(Right, "r.txt"), "from right");
        Directory.CreateDirectory(Path.Combine(Left, "build"));
        File.WriteAllText(Path.Combine(Left, "build", "out.o"), "binary");
        File.WriteAllText(Path.Combine(Left, "notes.swp"), "swap");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task SyncOnly_TwoTrees_ExitsZeroAndCheckFindsThemIdentical()
    {
        var sync = await PsyncProcess.RunAsync("-s", "--data-dir", Data, Left, Right);
        var check = await PsyncProcess.RunAsync("check", "--checksum", Left, Right);

        Assert.True(sync.ExitCode == 0, sync.Stderr);
        Assert.Equal(0, check.ExitCode);
        Assert.Equal("from left", await File.ReadAllTextAsync(Path.Combine(Right, "l.txt")));
        Assert.Equal("from right", await File.ReadAllTextAsync(Path.Combine(Left, "r.txt")));
        Assert.Contains("transfer", sync.Stdout);
    }

    [Fact]
    public async Task DryRun_SyncOnly_ChangesNothing()
    {
        var before = (PairHarness.Snapshot(Left), PairHarness.Snapshot(Right));

        var run = await PsyncProcess.RunAsync("-n", "-s", "--data-dir", Data, Left, Right);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("dry run", run.Stdout);
        Assert.Null(PairHarness.Diff(before.Item1, PairHarness.Snapshot(Left)));
        Assert.Null(PairHarness.Diff(before.Item2, PairHarness.Snapshot(Right)));
    }

    [Fact]
    public async Task ExcludesAndTempfiles_AreLeftAlone()
    {
        var run = await PsyncProcess.RunAsync("-s", "-e", "^build$", "-t", @"\.swp$", "--data-dir", Data, Left, Right);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(File.Exists(Path.Combine(Right, "l.txt")));
        Assert.False(Directory.Exists(Path.Combine(Right, "build")));
        Assert.False(File.Exists(Path.Combine(Right, "notes.swp")));
    }

    [Fact]
    public async Task Running_SyncsChangesAndStopsCleanlyOnSigterm()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "psync.dll"), "--data-dir", Data, Left, Right })
        {
            psi.ArgumentList.Add(arg);
        }
        using var psync = new Process { StartInfo = psi };
        var stdout = new System.Text.StringBuilder();
        psync.OutputDataReceived += (_, e) =>
        {
            lock (stdout)
            {
                stdout.AppendLine(e.Data);
            }
        };
        string Stdout()
        {
            lock (stdout)
            {
                return stdout.ToString();
            }
        }
        psync.Start();
        psync.BeginOutputReadLine();
        var stderr = psync.StandardError.ReadToEndAsync();
        await PairHarness.WaitUntilAsync(() => File.Exists(Path.Combine(Right, "l.txt")), TimeSpan.FromSeconds(20), "the initial sync");

        await File.WriteAllTextAsync(Path.Combine(Right, "live.txt"), "live");
        await PairHarness.WaitUntilAsync(() => File.Exists(Path.Combine(Left, "live.txt")), PairHarness.Converge, "a live change");
        // The file is in place before its batch ends (it is committed while rsync exits): wait for the batch's report.
        await PairHarness.WaitUntilAsync(() => Stdout().Contains("live.txt", StringComparison.Ordinal), PairHarness.Converge, "the live change reported", Stdout);
        using (var kill = Process.Start("kill", ["-TERM", psync.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await psync.WaitForExitAsync(deadline.Token);

        Assert.True(psync.ExitCode == 0, await stderr);
        Assert.DoesNotContain("Exception", await stderr);
    }
}
