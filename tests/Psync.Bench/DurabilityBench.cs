namespace Psync.Bench;

/// <summary>
/// What durable commits cost (a <c>syncfs</c> before and after each batch's commits): <c>psync -s</c>
/// of a tree into an empty folder, as it runs by default and with <c>--no-fsync</c>, next to
/// <c>rsync -a</c> of the same files, on a fresh ext4 and on a private tmpfs, each run into a new folder.
/// </summary>
internal static class DurabilityBench
{
    public static async Task<List<DurabilityResult>> RunAsync(int files, int repeats)
    {
        var results = new List<DurabilityResult>();
        using var disk = ScratchFs.Create($"psync-bench-durable-{files}", files * (4L + (3 * repeats)));
        results.Add(await RunOnAsync(disk, files, repeats));
        using var memory = ScratchFs.CreateTmpfs($"psync-bench-durable-{files}", Math.Max(256L << 20, files * 4096L * (2 + (3 * repeats))));
        if (memory is not null)
        {
            results.Add(await RunOnAsync(memory, files, repeats));
        }
        return results;
    }

    private static async Task<DurabilityResult> RunOnAsync(ScratchFs scratch, int files, int repeats)
    {
        var left = Directory.CreateDirectory(Path.Combine(scratch.Dir, "left")).FullName;
        var data = new byte[4096];
        for (var i = 0; i < files; i++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(left, $"d{i % 40:D2}")).FullName;
            await File.WriteAllBytesAsync(Path.Combine(dir, $"f{i:D6}"), data);
        }
        List<double> durable = [], relaxed = [], rsync = [];
        for (var r = 0; r < repeats; r++)
        {
            string Fresh(string what) => Directory.CreateDirectory(Path.Combine(scratch.Dir, $"{what}-{r}")).FullName;
            durable.Add((await BigTreeBench.PsyncOnceAsync(left, Fresh("durable"), Path.Combine(scratch.Dir, $"data-durable-{r}"))).Seconds);
            relaxed.Add((await BigTreeBench.PsyncOnceAsync(left, Fresh("relaxed"), Path.Combine(scratch.Dir, $"data-relaxed-{r}"), "--no-fsync")).Seconds);
            rsync.Add(Tools.Seconds("rsync", "-a", left + "/", Fresh("rsync") + "/"));
            Console.Error.WriteLine($"durability on {scratch.Kind}: psync -s {durable[^1]:F2} s, with --no-fsync {relaxed[^1]:F2} s, rsync -a {rsync[^1]:F2} s");
        }
        return new DurabilityResult(files, scratch.Kind, Stats.Of(durable), Stats.Of(relaxed), Stats.Of(rsync));
    }
}

internal sealed record DurabilityResult(int Files, string FileSystem, Stats Durable, Stats Relaxed, Stats Rsync);
