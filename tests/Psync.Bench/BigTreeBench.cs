using System.Diagnostics;

namespace Psync.Bench;

/// <summary>Initial sync of a big tree, a no-change restart, and rsync -a / rsync -an both ways as references.</summary>
internal static class BigTreeBench
{
    private const int FilesPerDir = 250;

    public static async Task<BigTreeResult> RunAsync(int files, int repeats)
    {
        var dir = Directory.CreateTempSubdirectory("psync-bench-tree-").FullName;
        try
        {
            var left = Path.Combine(dir, "left");
            var right = Path.Combine(dir, "right");
            var dirs = Math.Max(1, (files + FilesPerDir - 1) / FilesPerDir);
            var data = new byte[100];
            for (var i = 0; i < files; i++)
            {
                var sub = Directory.CreateDirectory(Path.Combine(left, $"d{i % dirs:D4}")).FullName;
                await File.WriteAllBytesAsync(Path.Combine(sub, $"f{i:D7}"), data);
            }
            Console.Error.WriteLine($"big tree: {files} files in {dirs} directories written");

            using var agents = new AgentMemorySampler();
            List<double> initial = [], restart = [], rsyncInitial = [], rsyncDry = [];
            for (var r = 0; r < repeats; r++)
            {
                DeleteIfExists(right);
                DeleteIfExists(Path.Combine(dir, "data"));
                initial.Add(await UntilIdleAsync(dir, right, files));
            }
            for (var r = 0; r < repeats; r++)
            {
                restart.Add(await UntilIdleAsync(dir, right, files));
            }
            await agents.StopAsync();
            for (var r = 0; r < repeats; r++)
            {
                var reference = Path.Combine(dir, "rsync-ref");
                DeleteIfExists(reference);
                rsyncInitial.Add(Tools.Seconds("rsync", "-a", left + "/", reference + "/"));
                DeleteIfExists(reference);
                rsyncDry.Add(Tools.Seconds("rsync", "-an", left + "/", right + "/") + Tools.Seconds("rsync", "-an", right + "/", left + "/"));
            }
            return new BigTreeResult(files, dirs, Stats.Of(initial), Stats.Of(rsyncInitial), Stats.Of(restart), Stats.Of(rsyncDry),
                AgentMemorySampler.PeakOf("self"), agents.Peak);
        }
        finally
        {
            DeleteIfExists(dir);
        }
    }

    /// <summary>Starts a pair on the folder, waits until it is idle and the right side holds every file; seconds.</summary>
    private static async Task<double> UntilIdleAsync(string dir, string right, int files)
    {
        var watch = Stopwatch.StartNew();
        await using var pair = await Pair.StartAsync(dir: dir);
        await pair.Sync.WaitIdleAsync(CancellationToken.None);
        while (Directory.EnumerateFiles(right, "*", SearchOption.AllDirectories).Count() < files)
        {
            await Task.Delay(20);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"big tree: idle after {seconds:F2} s");
        return seconds;
    }

    private static void DeleteIfExists(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
