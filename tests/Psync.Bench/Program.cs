using System.Globalization;
using Psync.Bench;
using Psync.Engine;

// psync benchmarks: dotnet run --project tests/Psync.Bench -c Release [-- --quick] (see BenchOptions.Usage)
// Sets up the peers (Unison, lsyncd), runs every workload and writes docs/BENCHMARKS.md and PNG charts.
if (BenchOptions.Parse(args) is not { } o)
{
    return 2;
}

// The agents a user's psync runs with: the static ones scripts/build.sh publishes (scripts/bench.sh
// names them). Unset, psync and the engine here would find the JIT-compiled psync-agent beside them,
// which starts slower and takes twice the memory.
if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PSYNC_AGENT")) && Tools.Artifact("agent") is { } published)
{
    Environment.SetEnvironmentVariable("PSYNC_AGENT", published);
}
var agents = Environment.GetEnvironmentVariable("PSYNC_AGENT") is { Length: > 0 } set
    ? $"agents from `{(Path.GetRelativePath(Environment.CurrentDirectory, set) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) ? relative : set)}`"
    : "JIT-compiled agents beside psync (run scripts/build.sh for the static ones)";

var results = new Results();
ScratchFs.InMemory = o.Tmpfs;
// The other workloads' folders (temp folders) go on a fresh file system of their own too, and stay
// until the end: a burst written right after the last one was deleted would measure ext4's inode allocator.
using var work = ScratchFs.Create("psync-bench-work", 2_000_000);
Environment.SetEnvironmentVariable("TMPDIR", work.Dir);
Tools.KeepUntilEnd = true;
results.WorkFileSystem = work.Kind;
var peers = o.Runs("peers") ? PeerBench.EnsureInstalled(o.InstallPeers) : [];
var machine = string.Create(CultureInfo.InvariantCulture,
    $"{Environment.ProcessorCount} cores, {Tools.MemoryGiB():F0} GiB, {Environment.OSVersion}, rsync {Tools.RsyncVersion()}") +
    string.Concat(peers.Select(p => $", {p} {Tools.FirstLine(p, "-version").Split(' ').FirstOrDefault(w => w.Length > 0 && char.IsDigit(w[0])) ?? "?"}")) +
    $"; Psync's {agents}";

if (o.Runs("bigtree"))
{
    foreach (var files in o.BigTreeFiles)
    {
        // A million files is written and synced 2 + 2 × repeats times: two repeats keep it near 15 minutes.
        results.BigTrees.Add(await BigTreeBench.RunAsync(files, files >= 1_000_000 ? Math.Min(2, o.Repeats) : o.Repeats));
    }
}

if (o.Runs("durability"))
{
    results.Durability.AddRange(await DurabilityBench.RunAsync(o.DurabilityFiles, o.Repeats));
}

results.Latency.Add(new Row("psync", "psync (local pair)", await LatencyBench.PsyncAsync(o.LatencyRuns)));
results.Latency.Add(new Row("rsync", "rsync -a of that one file (reference)", LatencyBench.RsyncOneFile(o.LatencyRuns)));
var (burst, after, burstRef, burstFloor) = await BurstBench.PsyncAsync(o.BurstFiles, o.Repeats);
results.Burst.Add(new Row("psync", "psync, first write to last file on the right", burst));
results.Burst.Add(new Row("psync-after", "psync, last write to last file on the right", after));
results.Burst.Add(new Row("rsync", "rsync -a of the same files (reference)", burstRef));
results.Burst.Add(new Row("rsync-as-psync", "rsync alone as Psync runs it: the names on stdin, pulled through psync-agent, into a stage folder (the floor)", burstFloor!));
if (o.Runs("durability"))
{
    // What durable commits cost on a burst: the same with --no-fsync (PairOptions.Durable off).
    var (_, relaxedAfter, relaxedRef, _) = await BurstBench.PsyncAsync(o.BurstFiles, o.Repeats, p => p with { Durable = false });
    results.Burst.Add(new Row("psync-no-fsync", "psync --no-fsync, last write to last file on the right", relaxedAfter));
    results.Burst.Add(new Row("rsync-no-fsync", "rsync -a of the same files, in that run (reference)", relaxedRef));
}

foreach (var peer in peers)
{
    try
    {
        var (latency, peerBurst) = await PeerBench.RunAsync(peer, o.LatencyRuns, o.BurstFiles, o.Repeats);
        results.Latency.Add(new Row(peer, peer == "unison" ? "Unison (`-repeat 1`, local roots)" : "lsyncd (`-delay 0 -rsync`)", latency));
        results.Burst.Add(new Row(peer, $"{(peer == "unison" ? "Unison" : "lsyncd")}, first write to last file on the right", peerBurst));
    }
    catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException)
    {
        Console.Error.WriteLine($"{peer}: {e.Message}");
        results.Notes.Add($"{peer} did not complete: {e.Message}");
    }
}

if (o.Runs("ssh"))
{
    using var sshd = await Sshd.StartAsync(o.LoginShellMs);
    results.LoginShellMs = o.LoginShellMs;
    results.SshRoundTripMs = sshd.RoundTripMs();
    PairOptions Remote(PairOptions p) => p with { RemoteHost = sshd.Address, Identity = sshd.ClientKey, AcceptHostKey = sshd.HostKeyFingerprint };
    results.SshLatency.Add(new Row("psync", "psync (ssh pair)", await LatencyBench.PsyncAsync(o.LatencyRuns, Remote)));
    results.SshLatency.Add(new Row("rsync", "rsync -a of that one file over the same multiplexed ssh (reference)", LatencyBench.RsyncOneFile(o.LatencyRuns, sshd)));
    var (sshBurst, sshAfter, sshRef, _) = await BurstBench.PsyncAsync(o.BurstFiles, o.Repeats, Remote, sshd);
    results.SshBurst.Add(new Row("psync", "psync, first write to last file on the right", sshBurst));
    results.SshBurst.Add(new Row("psync-after", "psync, last write to last file on the right", sshAfter));
    results.SshBurst.Add(new Row("rsync", "rsync -a of the same files over the same ssh (reference)", sshRef));
    foreach (var peer in peers)
    {
        try
        {
            var (latency, peerBurst) = await PeerBench.RunAsync(peer, o.LatencyRuns, o.BurstFiles, o.Repeats, sshd);
            results.SshLatency.Add(new Row(peer, peer == "unison"
                ? "Unison (`-repeat 1`, right root `ssh://` through the same sshd)"
                : "lsyncd (`default.rsync`, `delay = 0`, target `host:dir` through the same multiplexed ssh)", latency));
            results.SshBurst.Add(new Row(peer, $"{(peer == "unison" ? "Unison" : "lsyncd")} over ssh, first write to last file on the right", peerBurst));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"{peer} over ssh: {e.Message}");
            results.Notes.Add($"{peer} over ssh did not complete: {e.Message}");
        }
    }
}

if (o.Runs("rename"))
{
    var (seconds, bytes) = await RenameBench.RunAsync(o.RenameFiles, o.Repeats);
    results.Rename = new RenameResult(o.RenameFiles, seconds, bytes);
}

if (o.Runs("manypairs"))
{
    results.ManyPairs = await ManyPairsBench.RunAsync(o.ManyPairs, TimeSpan.FromSeconds(o.ManyPairsSeconds), writesPerSecond: 20);
}

var charts = Charts.Write(o.Charts, results);
var report = Report.Markdown(o, results, charts, machine);
Console.Write(report);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Output))!);
await File.WriteAllTextAsync(o.Output, report);
Console.Error.WriteLine($"written to {o.Output} and {charts.Count} charts in {o.Charts}");
return 0;
