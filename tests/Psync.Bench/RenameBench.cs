using System.Diagnostics;

namespace Psync.Bench;

/// <summary>A directory of many files renamed on the left until renamed on the right: time and file data sent.</summary>
internal static class RenameBench
{
    public static async Task<(Stats Seconds, long MaxBytes)> RunAsync(int files, int repeats)
    {
        var seconds = new List<double>();
        long maxBytes = 0;
        for (var r = 0; r < repeats; r++)
        {
            await using var pair = await Pair.StartAsync();
            var dir = Path.Combine(pair.Left, "tree");
            await Tools.WriteFilesAsync(dir, files, 4096);
            await Tools.WaitCountAsync(Path.Combine(pair.Right, "tree"), files, 4096, TimeSpan.FromMinutes(10));
            await pair.Sync.WaitIdleAsync(CancellationToken.None);
            var before = pair.Sync.Counters.BytesTransferred;
            var watch = Stopwatch.StartNew();
            Directory.Move(dir, Path.Combine(pair.Left, "renamed"));
            while (!Directory.Exists(Path.Combine(pair.Right, "renamed")) || Directory.Exists(Path.Combine(pair.Right, "tree")))
            {
                await Task.Delay(1);
            }
            seconds.Add(watch.Elapsed.TotalSeconds);
            await pair.Sync.WaitIdleAsync(CancellationToken.None);
            maxBytes = Math.Max(maxBytes, pair.Sync.Counters.BytesTransferred - before);
        }
        return (Stats.Of(seconds), maxBytes);
    }
}
