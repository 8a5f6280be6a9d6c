using System.Diagnostics;
using System.Globalization;

namespace Psync.Bench;

/// <summary>
/// Initial sync of a big tree and a no-change restart by <c>psync -s</c> (the engine in its own
/// process, with its two agents), against <c>rsync -a</c> and <c>rsync -an</c> both ways.
/// Every run writes into a folder of its own and nothing is deleted until the end: ext4 does
/// not reuse an inode freed in the last minute or more, and creating many files right after
/// deleting many costs several times the system time (the allocator skips the freed inodes
/// one by one), which would make each figure depend on what the run before it deleted.
/// </summary>
internal static class BigTreeBench
{
    private const int FilesPerDir = 250;

    public static async Task<BigTreeResult> RunAsync(int files, int repeats)
    {
        using var scratch = ScratchFs.Create($"psync-bench-tree-{files}", files * (2L + (3 * repeats)));
        var dir = scratch.Dir;
        var left = Path.Combine(dir, "left");
        var dirs = Math.Max(1, (files + FilesPerDir - 1) / FilesPerDir);
        var data = new byte[100];
        var watch = Stopwatch.StartNew();
        for (var d = 0; d < dirs; d++)
        {
            Directory.CreateDirectory(Path.Combine(left, $"d{d:D4}"));
        }
        for (var i = 0; i < files; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(left, $"d{i % dirs:D4}", $"f{i:D7}"), data);
        }
        Console.Error.WriteLine($"big tree: {files:N0} files in {dirs} directories written in {watch.Elapsed.TotalSeconds:F0} s on {scratch.Kind}");

        List<double> initial = [], restart = [], rsyncInitial = [], rsyncDry = [], floor = [];
        long enginePeak = 0, agentPeak = 0;
        string Right(int r) => Path.Combine(dir, $"right-{r}");
        string Data(int r) => Path.Combine(dir, $"data-{r}");
        // Each Psync run next to its reference, so that a change in this machine's speed between
        // two runs weighs on both (run one after the other, a slow phase took either side alone).
        for (var r = 0; r < repeats; r++)
        {
            var run = await PsyncOnceAsync(left, Directory.CreateDirectory(Right(r)).FullName, Data(r));
            initial.Add(run.Seconds);
            (enginePeak, agentPeak) = (Math.Max(enginePeak, run.EnginePeak), Math.Max(agentPeak, run.AgentPeak));
            var arrived = Directory.EnumerateFiles(Right(r), "*", SearchOption.AllDirectories).Count(f => !f.Contains("/.psync/", StringComparison.Ordinal));
            if (arrived != files)
            {
                throw new InvalidOperationException($"big tree: {arrived:N0} of {files:N0} files on the right after psync -s");
            }
            rsyncInitial.Add(Tools.Seconds("rsync", "-a", left + "/", Path.Combine(dir, $"rsync-{r}") + "/"));
            floor.Add(Tools.RsyncAsPsync(left, Path.Combine(dir, $"rsync-psync-{r}"), inPlace: true));
            Console.Error.WriteLine($"big tree: psync -s {initial[^1]:F2} s, rsync -a {rsyncInitial[^1]:F2} s, rsync as Psync runs it {floor[^1]:F2} s");
        }
        for (var r = 0; r < repeats; r++)
        {
            var run = await PsyncOnceAsync(left, Right(repeats - 1), Data(repeats - 1));
            restart.Add(run.Seconds);
            (enginePeak, agentPeak) = (Math.Max(enginePeak, run.EnginePeak), Math.Max(agentPeak, run.AgentPeak));
            rsyncDry.Add(Tools.Seconds("rsync", "-an", left + "/", Right(0) + "/") + Tools.Seconds("rsync", "-an", Right(0) + "/", left + "/"));
            Console.Error.WriteLine($"big tree: psync -s restart {restart[^1]:F2} s, rsync -an both ways {rsyncDry[^1]:F2} s");
        }
        return new BigTreeResult(files, dirs, scratch.Kind, Stats.Of(initial), Stats.Of(rsyncInitial), Stats.Of(restart), Stats.Of(rsyncDry), Stats.Of(floor), enginePeak, agentPeak);
    }

    internal sealed record Run(double Seconds, long EnginePeak, long AgentPeak);

    /// <summary>
    /// The psync that is measured: the one scripts/build.sh publishes compiled ahead (NativeAOT,
    /// artifacts/psync, found above the benchmark in the checkout), else the benchmark's own
    /// JIT-compiled build (psync.dll, run through dotnet).
    /// </summary>
    public static string Program { get; } = Tools.Artifact("psync/psync") ?? Path.Combine(AppContext.BaseDirectory, "psync.dll");

    /// <summary><c>psync -s</c> (sync once, then exit) on the two folders; seconds, and the peak resident sets of psync and of its largest agent (sampled every 50 ms).</summary>
    internal static async Task<Run> PsyncOnceAsync(string left, string right, string data, params string[] extra)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var jit = Program.EndsWith(".dll", StringComparison.Ordinal);
        var psi = new ProcessStartInfo(jit ? dotnet : Program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])[.. jit ? [Program] : Array.Empty<string>(), "-s", "--data-dir", data, .. extra, left, right])
        {
            psi.ArgumentList.Add(arg);
        }
        Tools.FlushPageCache();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var agents = new AgentMemorySampler(process.Id);
        long enginePeak = 0;
        while (!process.HasExited)
        {
            enginePeak = Math.Max(enginePeak, AgentMemorySampler.PeakOf(process.Id.ToString(CultureInfo.InvariantCulture)));
            await Task.Delay(50);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        await agents.StopAsync();
        var summary = (await stdout + await stderr).Trim();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"psync -s exited with {process.ExitCode}: {summary}");
        }
        Console.Error.WriteLine($"big tree: psync -s {seconds:F2} s, engine peak {enginePeak / 1e6:F0} MB, agent peak {agents.Peak / 1e6:F0} MB: {summary.Split('\n')[^1]}");
        return new Run(seconds, enginePeak, agents.Peak);
    }
}
