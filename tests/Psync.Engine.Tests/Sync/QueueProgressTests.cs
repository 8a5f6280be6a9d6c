using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>What the queue shows while a long transfer runs.</summary>
public sealed class QueueProgressTests
{
    [Fact]
    public async Task LongTransfer_QueueShowsItRunningWithProgress_ThenEmpty()
    {
        // 8 MB at 3 MB/s (rsync --bwlimit): rsync reports progress once a second, so about two reports mid-way.
        await using var pair = PairHarness.Create(o => o with { RsyncExtra = ["--bwlimit=3000"] });
        await pair.StartAsync();
        var seen = new List<QueueItem>();
        using var subscription = pair.Pair.Subscribe(what =>
        {
            if (what == PairNotification.Queue)
            {
                lock (seen)
                {
                    seen.AddRange(pair.Pair.Queue.Where(q => q.Path == "big.bin"));
                }
            }
        });

        await File.WriteAllBytesAsync(pair.L("big.bin"), new byte[8_000_000]);

        await PairHarness.WaitUntilAsync(() => new FileInfo(pair.R("big.bin")) is { Exists: true, Length: 8_000_000 }, TimeSpan.FromSeconds(20), "the big file to arrive");
        await PairHarness.WaitUntilAsync(() => pair.Pair.Queue.Count == 0, PairHarness.Converge, "the queue to empty");
        lock (seen)
        {
            Assert.Contains(seen, q => q is { Kind: EventKind.Transfer, Running: false });
            Assert.Contains(seen, q => q is { Running: true, Progress: > 0 and < 1 });
        }
    }

    [Fact]
    public async Task ManySmallFiles_NoProgressLinesFromRsync_QueueShowsTheirCommitsAsProgress()
    {
        // 300 files of 10 KB at 1 MB/s (rsync --bwlimit): about 3 s, and no file big enough for
        // rsync's progress lines, so the progress is what the early commits put in place.
        await using var pair = PairHarness.Create(o => o with { RsyncExtra = ["--bwlimit=1000"] });
        await pair.StartAsync();
        Directory.CreateDirectory(pair.L("many"));
        await PairHarness.WaitUntilAsync(() => Directory.Exists(pair.R("many")), PairHarness.Converge, "the folder to arrive");
        var seen = new List<QueueItem>();
        using var subscription = pair.Pair.Subscribe(what =>
        {
            if (what == PairNotification.Queue)
            {
                lock (seen)
                {
                    seen.AddRange(pair.Pair.Queue.Where(q => q.Path.StartsWith("many/", StringComparison.Ordinal)));
                }
            }
        });

        for (var i = 0; i < 300; i++)
        {
            await File.WriteAllBytesAsync(pair.L($"many/f{i:D3}"), new byte[10_000]);
        }

        await PairHarness.WaitUntilAsync(() => Directory.GetFiles(pair.R("many")).Length == 300, TimeSpan.FromSeconds(30), "the files to arrive");
        await PairHarness.WaitUntilAsync(() => pair.Pair.Queue.Count == 0, PairHarness.Converge, "the queue to empty");
        lock (seen)
        {
            Assert.Contains(seen, q => q is { Running: true, Progress: > 0 and < 1 });
        }
    }
}
