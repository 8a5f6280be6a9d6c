using System.Diagnostics;
using Psync.Engine;

namespace Psync.Bench;

/// <summary>Many 4 KiB files written at once on the left until all are on the right; and one rsync -a of them.</summary>
internal static class BurstBench
{
    public const int Size = 4096;

    /// <summary>
    /// Psync on a fresh pair per repeat: (first write to last file on the right, last write to last
    /// file, rsync -a reference, and for a local pair rsync alone as Psync runs it), in seconds.
    /// One burst before them is not counted: the engine here stands in for the web app's, which has
    /// run a while, and a first burst spends its time compiling the batch's code (its JIT compiler
    /// thread took much of a core through the first bursts).
    /// </summary>
    public static async Task<(Stats Total, Stats AfterLastWrite, Stats Rsync, Stats? RsyncAsPsync)> PsyncAsync(int files, int repeats, Func<PairOptions, PairOptions>? remote = null, Sshd? sshd = null)
    {
        List<double> total = [], after = [], reference = [], floor = [];
        for (var r = -1; r < repeats; r++)
        {
            await using var pair = await Pair.StartAsync(remote);
            var (t, a) = await MeasureAsync(files, pair.Left, pair.Right, "burst");
            if (r < 0)
            {
                Console.Error.WriteLine($"burst (warm-up, not counted): {t:F2} s, {a:F2} s after the last write");
                continue;
            }
            total.Add(t);
            after.Add(a);
            Console.Error.WriteLine($"burst: {pair.Sync.Counters.RsyncRuns} rsync runs");
            reference.Add(Rsync(Path.Combine(pair.Left, "burst"), Path.Combine(pair.Dir, "rsync-ref"), sshd, pair.Dir));
            if (sshd is null)
            {
                floor.Add(Tools.RsyncAsPsync(Path.Combine(pair.Left, "burst"), Path.Combine(pair.Dir, "rsync-psync-ref")));
            }
        }
        return (Stats.Of(total), Stats.Of(after), Stats.Of(reference), floor.Count > 0 ? Stats.Of(floor) : null);
    }

    /// <summary>Writes the files into left/<paramref name="name"/> and waits for them in right/<paramref name="name"/>.</summary>
    public static async Task<(double Total, double AfterLastWrite)> MeasureAsync(int files, string left, string right, string name, Func<bool>? failed = null)
    {
        Tools.FlushPageCache();
        var watch = Stopwatch.StartNew();
        await Tools.WriteFilesAsync(Path.Combine(left, name), files, Size);
        var written = watch.Elapsed.TotalSeconds;
        await Tools.WaitCountAsync(Path.Combine(right, name), files, Size, TimeSpan.FromMinutes(10), failed);
        var total = watch.Elapsed.TotalSeconds;
        return (total, total - written);
    }

    public static double Rsync(string source, string target, Sshd? sshd, string scratch)
    {
        if (sshd is null)
        {
            return Tools.Seconds("rsync", "-a", source + "/", target + "/");
        }
        var ssh = Tools.Transport(sshd, scratch);
        return Tools.Seconds("rsync", "-a", "-e", ssh.RsyncShell(), source + "/", ssh.RsyncRemote(target + "/"));
    }
}
