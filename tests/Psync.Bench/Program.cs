using System.Diagnostics;
using System.Globalization;
using System.Text;
using Psync.Engine;
using Psync.Engine.Sync;

// psync benchmarks: dotnet run --project tests/Psync.Bench -c Release [-- --runs N --files N --out docs/BENCHMARKS.md]
// Local pair only for now (the ssh pair and the peers come with the benchmark issue).
var runs = 50;
var files = 10_000;
var output = "docs/BENCHMARKS.md";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--files": files = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out": output = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

var report = new StringBuilder();
report.AppendLine("# Benchmarks").AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Bench.MemoryGiB():F0} GiB, {Environment.OSVersion}, rsync {Bench.RsyncVersion()}. ");
report.AppendLine("Local pair: both trees on the same file system, both agents local. Every Psync figure stands next to the plain rsync reference measured in the same run; compare rows of one run only, since this machine's I/O speed varies several-fold between runs.").AppendLine();

var latency = await Bench.LatencyAsync(runs);
var reference = Bench.RsyncOneFile(runs);
report.AppendLine("## Latency: one small file written on the left until complete on the right").AppendLine();
report.AppendLine("| | runs | median ms | p99 / worst ms |").AppendLine("|---|---|---|---|");
report.AppendLine(Bench.Row("psync (local pair)", latency)).AppendLine(Bench.Row("rsync -a of that one file (reference)", reference)).AppendLine();

var (burst, afterLastWrite, burstRef) = await Bench.BurstAsync(files);
report.AppendLine(CultureInfo.InvariantCulture, $"## Burst: {files} files of 4 KiB written at once").AppendLine();
report.AppendLine("| | seconds |").AppendLine("|---|---|");
report.AppendLine(CultureInfo.InvariantCulture, $"| psync, first write to last file on the right | {burst:F2} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| psync, last write to last file on the right | {afterLastWrite:F2} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| rsync -a of the same files (reference) | {burstRef:F2} |").AppendLine();

var (rename, sent) = await Bench.RenameAsync(files);
report.AppendLine(CultureInfo.InvariantCulture, $"## Directory rename: a directory of {files} files renamed on the left").AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Renamed on the right after {rename * 1000:F0} ms, {sent} bytes of file data sent.").AppendLine();

Console.Write(report);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, report.ToString());
Console.Error.WriteLine($"written to {output}");
return 0;

internal static class Bench
{
    public static string Row(string name, List<double> ms)
    {
        ms.Sort();
        var median = ms[ms.Count / 2];
        var p99 = ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(ms.Count * 0.99) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {ms.Count} | {median:F1} | {p99:F1} |");
    }

    public static async Task<List<double>> LatencyAsync(int runs)
    {
        await using var pair = await Pair.StartAsync();
        var result = new List<double>();
        var payload = new byte[100];
        for (var i = 0; i < runs; i++)
        {
            var name = $"lat-{i}.txt";
            var watch = Stopwatch.StartNew();
            await File.WriteAllBytesAsync(Path.Combine(pair.Left, name), payload);
            var target = Path.Combine(pair.Right, name);
            while (!(File.Exists(target) && new FileInfo(target).Length == payload.Length))
            {
                await Task.Delay(1);
            }
            result.Add(watch.Elapsed.TotalMilliseconds);
            await pair.Sync.WaitIdleAsync(CancellationToken.None);
        }
        return result;
    }

    public static List<double> RsyncOneFile(int runs)
    {
        var dir = Directory.CreateTempSubdirectory("psync-bench-ref-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "src"));
        Directory.CreateDirectory(Path.Combine(dir, "dst"));
        var result = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            File.WriteAllBytes(Path.Combine(dir, "src", $"f{i}"), new byte[100]);
            var watch = Stopwatch.StartNew();
            Run("rsync", "-a", Path.Combine(dir, "src", $"f{i}"), Path.Combine(dir, "dst") + "/");
            result.Add(watch.Elapsed.TotalMilliseconds);
        }
        Directory.Delete(dir, recursive: true);
        return result;
    }

    public static async Task<(double Psync, double AfterLastWrite, double Rsync)> BurstAsync(int files)
    {
        await using var pair = await Pair.StartAsync();
        var data = new byte[4096];
        var dir = Path.Combine(pair.Left, "burst");
        var watch = Stopwatch.StartNew();
        Directory.CreateDirectory(dir);
        for (var i = 0; i < files; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(dir, $"f{i:D5}"), data);
        }
        var written = watch.Elapsed.TotalSeconds;
        var target = Path.Combine(pair.Right, "burst");
        while (!Directory.Exists(target) || Directory.EnumerateFiles(target).Count() < files)
        {
            await Task.Delay(20);
        }
        var psync = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"burst: {pair.Sync.Counters.RsyncRuns} rsync runs");
        var reference = Path.Combine(pair.Dir, "rsync-ref");
        watch.Restart();
        Run("rsync", "-a", dir + "/", reference + "/");
        return (psync, psync - written, watch.Elapsed.TotalSeconds);
    }

    public static async Task<(double Seconds, long Bytes)> RenameAsync(int files)
    {
        await using var pair = await Pair.StartAsync();
        var dir = Path.Combine(pair.Left, "tree");
        Directory.CreateDirectory(dir);
        for (var i = 0; i < files; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(dir, $"f{i:D5}"), new byte[4096]);
        }
        while (!Directory.Exists(Path.Combine(pair.Right, "tree")) || Directory.EnumerateFiles(Path.Combine(pair.Right, "tree")).Count() < files)
        {
            await Task.Delay(20);
        }
        await pair.Sync.WaitIdleAsync(CancellationToken.None);
        var before = pair.Sync.Counters.BytesTransferred;
        var watch = Stopwatch.StartNew();
        Directory.Move(dir, Path.Combine(pair.Left, "renamed"));
        while (!Directory.Exists(Path.Combine(pair.Right, "renamed")) || Directory.Exists(Path.Combine(pair.Right, "tree")))
        {
            await Task.Delay(1);
        }
        return (watch.Elapsed.TotalSeconds, pair.Sync.Counters.BytesTransferred - before);
    }

    public static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);

    public static string RsyncVersion()
    {
        var psi = new ProcessStartInfo("rsync", "--version") { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var parts = p.StandardOutput.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        p.WaitForExit();
        return parts.Length > 2 ? parts[2] : "?";
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        p.WaitForExit();
    }
}

internal sealed class Pair : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private Pair(string dir, SyncPair sync)
    {
        Dir = dir;
        Sync = sync;
    }

    public string Dir { get; }

    public SyncPair Sync { get; }

    public string Left => Sync.Options.LeftRoot;

    public string Right => Sync.Options.RightRoot;

    public static async Task<Pair> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("psync-bench-").FullName;
        var options = new PairOptions
        {
            LeftRoot = Directory.CreateDirectory(Path.Combine(dir, "left")).FullName,
            RightRoot = Directory.CreateDirectory(Path.Combine(dir, "right")).FullName,
            DataDir = Path.Combine(dir, "data"),
        };
        var pair = new Pair(dir, new SyncPair(options));
        pair._run = pair.Sync.RunAsync(pair._stop.Token);
        while (pair.Sync.Status.State != PairState.Idle)
        {
            await Task.Delay(5);
        }
        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await Sync.DisposeAsync();
        Directory.Delete(Dir, recursive: true);
    }
}
