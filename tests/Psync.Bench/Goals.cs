using System.Globalization;

namespace Psync.Bench;

/// <summary>The issue's goals checked against one run's figures.</summary>
internal static class Goals
{
    public sealed record Goal(string Text, string Measured, bool? Met);

    public static List<Goal> Evaluate(Results r)
    {
        var goals = new List<Goal>();
        static string X(double v) => v.ToString("F2", CultureInfo.InvariantCulture) + "×";
        // "faster than" goals need a ratio strictly below 1; "≤ n×" goals allow n itself.
        void Ratio(string text, double? value, double? reference, double limit, string how, bool strict = false)
        {
            if (value is { } v && reference is { } re && re > 0)
            {
                var ratio = v / re;
                goals.Add(new Goal(text, $"{X(ratio)} ({how})", strict ? ratio < limit : ratio <= limit));
            }
        }
        // rsync alone as Psync runs it, against the same reference: the part of the ratio rsync itself takes.
        static string Floor(Stats? floor, Stats? reference) =>
            floor is not null && reference is { Median: > 0 } ? $"; rsync alone as Psync runs it {X(floor.Median / reference.Median)}" : "";
        foreach (var (rows, where) in new[] { (r.Latency, "local"), (r.SshLatency, "ssh") })
        {
            var psync = Results.Find(rows, "psync");
            var rsync = Results.Find(rows, "rsync");
            Ratio($"Latency median ≤ 1.5× one-file rsync ({where})", psync?.Median, rsync?.Median, 1.5, "psync median ÷ rsync median");
            var againstP99 = psync is not null && rsync is { P99: > 0 } ? $"; ÷ rsync p99: {X(psync.P99 / rsync.P99)}" : "";
            Ratio($"Latency p99 ≤ 3× one-file rsync ({where})", psync?.P99, rsync?.Median, 3, $"psync p99 ÷ rsync median{againstP99}");
        }
        if (Results.Find(r.SshLatency, "psync") is { } sshLatency && Results.Find(r.Latency, "psync") is { } localLatency)
        {
            var allowed = 1.5 * localLatency.Median + r.SshRoundTripMs;
            goals.Add(new Goal($"Lone file over ssh ≤ 1.5× local + one round trip, whatever the login shell (.bashrc sleeps {r.LoginShellMs} ms)",
                string.Create(CultureInfo.InvariantCulture, $"{sshLatency.Median:F1} ms against {allowed:F1} ms (1.5 × {localLatency.Median:F1} + {r.SshRoundTripMs:F2}), medians"),
                sshLatency.Median <= allowed));
        }
        foreach (var (rows, where) in new[] { (r.Burst, "local"), (r.SshBurst, "ssh") })
        {
            Ratio($"Burst ≤ 1.3× one rsync -a ({where})", Results.Find(rows, "psync-after")?.Median, Results.Find(rows, "rsync")?.Median, 1.3, "psync last write to last file ÷ rsync -a, medians" + Floor(Results.Find(rows, "rsync-as-psync"), Results.Find(rows, "rsync")));
        }
        if (r.Rename is { } rename)
        {
            goals.Add(new Goal($"Directory rename < 1 s and < 1 MiB ({rename.Files:N0} files)",
                string.Create(CultureInfo.InvariantCulture, $"{rename.Seconds.Median:F2} s median, {rename.MaxBytes:N0} bytes at most"),
                rename.Seconds.Max < 1 && rename.MaxBytes < 1 << 20));
        }
        foreach (var tree in r.BigTrees)
        {
            Ratio($"First sync of {tree.Files:N0} files into an empty root ≤ 1.2× one rsync -a ({tree.FileSystem})", tree.Initial.Median, tree.RsyncInitial.Median, 1.2, "psync -s ÷ rsync -a, medians" + Floor(tree.RsyncAsPsync, tree.RsyncInitial));
            Ratio($"No-change reconcile of {tree.Files:N0} files faster than rsync -an both ways", tree.Restart.Median, tree.RsyncDryBoth.Median, 1, "psync -s restart ÷ rsync -an both ways, medians; met when < 1", strict: true);
        }
        if (r.BigTrees.Count > 0)
        {
            var big = r.BigTrees.MaxBy(t => t.Files)!;
            var million = big.Files >= 1_000_000;
            var at = string.Create(CultureInfo.InvariantCulture, $" at {big.Files:N0} files{(million ? "" : " (1,000,000 not run)")}");
            goals.Add(new Goal("Engine peak ≤ 300 MB at 1,000,000 files", string.Create(CultureInfo.InvariantCulture, $"{big.EnginePeak / 1e6:F0} MB{at}"), million ? big.EnginePeak <= 300_000_000 : null));
            goals.Add(new Goal("Agent peak ≤ 64 MB at 1,000,000 files", string.Create(CultureInfo.InvariantCulture, $"{big.AgentPeak / 1e6:F0} MB{at}"), million ? big.AgentPeak <= 64_000_000 : null));
        }
        foreach (var (latency, burst, where) in new[] { (r.Latency, r.Burst, "local"), (r.SshLatency, r.SshBurst, "ssh") })
        {
            foreach (var peer in PeerBench.Peers)
            {
                Ratio($"Latency faster than {peer} ({where})", Results.Find(latency, "psync")?.Median, Results.Find(latency, peer)?.Median, 1, $"psync ÷ {peer}, medians; met when < 1", strict: true);
                Ratio($"Burst faster than {peer} ({where})", Results.Find(burst, "psync")?.Median, Results.Find(burst, peer)?.Median, 1, $"psync ÷ {peer}, first write to last file, medians; met when < 1", strict: true);
            }
        }
        return goals;
    }
}
