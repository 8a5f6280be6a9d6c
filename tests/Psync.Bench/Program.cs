using System.Diagnostics;
using System.Globalization;
using System.Text;
using Psync.Engine;
using Psync.Bench;
using Psync.Engine.Remote;
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

using (var sshd = await Sshd.StartAsync())
{
    PairOptions Remote(PairOptions o) => o with { RemoteHost = sshd.Address, Identity = sshd.ClientKey, AcceptHostKey = sshd.HostKeyFingerprint };
    var sshLatency = await Bench.LatencyAsync(runs, Remote);
    var sshReference = Bench.RsyncOneFile(runs, sshd);
    report.AppendLine("## Latency over ssh (sshd on loopback, rsync through one multiplexed OpenSSH connection)").AppendLine();
    report.AppendLine("| | runs | median ms | p99 / worst ms |").AppendLine("|---|---|---|---|");
    report.AppendLine(Bench.Row("psync (ssh pair)", sshLatency)).AppendLine(Bench.Row("rsync -a of that one file over the same multiplexed ssh (reference)", sshReference)).AppendLine();
    var (sshBurst, sshAfter, sshBurstRef) = await Bench.BurstAsync(files, Remote, sshd);
    report.AppendLine(CultureInfo.InvariantCulture, $"## Burst over ssh: {files} files of 4 KiB written at once").AppendLine();
    report.AppendLine("| | seconds |").AppendLine("|---|---|");
    report.AppendLine(CultureInfo.InvariantCulture, $"| psync, first write to last file on the right | {sshBurst:F2} |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| psync, last write to last file on the right | {sshAfter:F2} |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| rsync -a of the same files over the same ssh (reference) | {sshBurstRef:F2} |").AppendLine();
}

var (rename, sent) = await Bench.RenameAsync(files);
report.AppendLine(CultureInfo.InvariantCulture, $"## Directory rename: a directory of {files} files renamed on the left").AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Renamed on the right after {rename * 1000:F0} ms, {sent} bytes of file data sent.").AppendLine();

report.AppendLine("## Notes").AppendLine();
report.AppendLine("- The burst is limited by rsync reading a local `--files-from` list one byte per `read()` (each after a `poll`; io.c read_line): about 150,000 reads and 133,000 polls for 10,000 paths, where a plain `rsync -a` makes about 24,000 reads. System calls cost several µs on this VM.");
report.AppendLine("- The directory rename includes the 200 ms hold for deletes and moves (`--hold`).");
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

    public static async Task<List<double>> LatencyAsync(int runs, Func<PairOptions, PairOptions>? remote = null)
    {
        await using var pair = await Pair.StartAsync(remote);
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

    /// <summary>The pinned, multiplexed OpenSSH that a remote pair's rsync uses, for the references.</summary>
    public static OpenSshTransport Transport(Sshd sshd, string dir)
    {
        var known = Path.Combine(dir, "known_hosts");
        File.WriteAllText(known, $"[127.0.0.1]:{sshd.Port} {File.ReadAllText(Path.Combine(sshd.Dir, "host_ed25519.pub")).Trim()}\n");
        var control = Directory.CreateDirectory($"/tmp/pb-{Environment.ProcessId}").FullName;
        return new OpenSshTransport(RemoteAddress.Parse(sshd.Address), sshd.ClientKey, known, control, "ssh-ed25519");
    }

    public static List<double> RsyncOneFile(int runs, Sshd? sshd = null)
    {
        var dir = Directory.CreateTempSubdirectory("psync-bench-ref-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "src"));
        Directory.CreateDirectory(Path.Combine(dir, "dst"));
        var result = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            File.WriteAllBytes(Path.Combine(dir, "src", $"f{i}"), new byte[100]);
            var watch = Stopwatch.StartNew();
            if (sshd is null)
            {
                Run("rsync", "-a", Path.Combine(dir, "src", $"f{i}"), Path.Combine(dir, "dst") + "/");
            }
            else
            {
                var ssh = Transport(sshd, dir);
                Run("rsync", "-a", "-e", ssh.RsyncShell(), Path.Combine(dir, "src", $"f{i}"), ssh.RsyncRemote(Path.Combine(dir, "dst") + "/"));
            }
            result.Add(watch.Elapsed.TotalMilliseconds);
        }
        Directory.Delete(dir, recursive: true);
        return result;
    }

    public static async Task<(double Psync, double AfterLastWrite, double Rsync)> BurstAsync(int files, Func<PairOptions, PairOptions>? remote = null, Sshd? sshd = null)
    {
        await using var pair = await Pair.StartAsync(remote);
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
        if (sshd is null)
        {
            Run("rsync", "-a", dir + "/", reference + "/");
        }
        else
        {
            var ssh = Transport(sshd, pair.Dir);
            Run("rsync", "-a", "-e", ssh.RsyncShell(), dir + "/", ssh.RsyncRemote(reference + "/"));
        }
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

    public static async Task<Pair> StartAsync(Func<PairOptions, PairOptions>? configure = null)
    {
        var dir = Directory.CreateTempSubdirectory("psync-bench-").FullName;
        var options = new PairOptions
        {
            LeftRoot = Directory.CreateDirectory(Path.Combine(dir, "left")).FullName,
            RightRoot = Directory.CreateDirectory(Path.Combine(dir, "right")).FullName,
            DataDir = Path.Combine(dir, "data"),
        };
        var pair = new Pair(dir, new SyncPair(configure?.Invoke(options) ?? options));
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
