using System.Diagnostics;
using Xunit.Abstractions;

namespace Psync.Engine.Tests.Sync;

/// <summary>The pair's bandwidth limit reaches rsync (real agents, cinotify and rsync).</summary>
public sealed class BandwidthLimitTests(ITestOutputHelper output)
{
    private const int Size = 20 * 1024 * 1024;

    [Fact]
    public async Task BigFile_LimitOf2048KiBps_TakesAtLeast8Seconds()
    {
        await using var pair = PairHarness.Create(o => o with { BandwidthLimit = 2048 });
        await pair.StartAsync();
        var outside = Path.Combine(pair.Dir, "big.bin");
        var bytes = new byte[Size];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(outside, bytes);

        // Moved in whole, so that the one change is the complete file.
        var watch = Stopwatch.StartNew();
        File.Move(outside, pair.L("big.bin"));
        await PairHarness.WaitUntilAsync(() => File.Exists(pair.R("big.bin")) && new FileInfo(pair.R("big.bin")).Length == Size, TimeSpan.FromSeconds(40), "the file on the right");
        var elapsed = watch.Elapsed;

        output.WriteLine($"20 MiB at 2048 KiB/s arrived in {elapsed.TotalSeconds:F1} s");
        Assert.True(elapsed >= TimeSpan.FromSeconds(8), $"20 MiB at 2048 KiB/s arrived in {elapsed.TotalSeconds:F1} s");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(pair.R("big.bin")));
    }
}
