using System.Diagnostics;
using Psync.Engine;

namespace Psync.Bench;

/// <summary>One small file written on the left until it is complete on the right; and one plain rsync of such a file.</summary>
internal static class LatencyBench
{
    private const int Size = 100;

    public static async Task<Stats> PsyncAsync(int runs, Func<PairOptions, PairOptions>? remote = null)
    {
        await using var pair = await Pair.StartAsync(remote);
        return await MeasureAsync(runs, pair.Left, pair.Right, "lat", () => pair.Sync.WaitIdleAsync(CancellationToken.None));
    }

    /// <summary>Latency between two folders kept in sync by any tool; <paramref name="settle"/> runs between samples.</summary>
    public static async Task<Stats> MeasureAsync(int runs, string left, string right, string prefix, Func<Task>? settle = null, Func<bool>? failed = null)
    {
        var result = new List<double>();
        var payload = new byte[Size];
        for (var i = 0; i < runs; i++)
        {
            var name = $"{prefix}-{i}.txt";
            var watch = Stopwatch.StartNew();
            await File.WriteAllBytesAsync(Path.Combine(left, name), payload);
            await Tools.WaitFileAsync(Path.Combine(right, name), Size, TimeSpan.FromSeconds(60), failed);
            result.Add(watch.Elapsed.TotalMilliseconds);
            if (settle is not null)
            {
                await settle();
            }
        }
        return Stats.Of(result);
    }

    public static Stats RsyncOneFile(int runs, Sshd? sshd = null)
    {
        var dir = Directory.CreateTempSubdirectory("psync-bench-ref-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "src"));
        Directory.CreateDirectory(Path.Combine(dir, "dst"));
        var ssh = sshd is null ? null : Tools.Transport(sshd, dir);
        var result = new List<double>();
        // One run first, not counted, opens the multiplexing master: the reference is a one-file rsync over a connection that is up, as Psync's is.
        for (var i = ssh is null ? 0 : -1; i < runs; i++)
        {
            var file = Path.Combine(dir, "src", $"f{i}");
            File.WriteAllBytes(file, new byte[Size]);
            var dst = Path.Combine(dir, "dst") + "/";
            var ms = 1000 * (ssh is null
                ? Tools.Seconds("rsync", "-a", file, dst)
                : Tools.Seconds("rsync", "-a", "-e", ssh.RsyncShell(), file, ssh.RsyncRemote(dst)));
            if (i >= 0)
            {
                result.Add(ms);
            }
        }
        Tools.Remove(dir);
        return Stats.Of(result);
    }
}
