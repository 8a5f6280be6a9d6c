using Psync.Engine.Index;
using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>The pair's tree totals and the bulk progress of its runs, against real agents and rsync.</summary>
public sealed class TotalsAndProgressTests
{
    [Fact]
    public async Task FirstSync_OfATree_TotalsMatchTheTreeAndProgressReachesThePlan()
    {
        // Arrange: 300 files of 10 kB in 10 folders and a link, sent at 1 MB/s, so the run lasts about 3 s.
        await using var pair = PairHarness.Create(o => o with { RsyncExtra = ["--bwlimit=1000"] });
        for (var d = 0; d < 10; d++)
        {
            Directory.CreateDirectory(pair.L($"d{d}"));
            for (var f = 0; f < 30; f++)
            {
                await File.WriteAllBytesAsync(pair.L($"d{d}/f{f}.bin"), new byte[10_000]);
            }
        }
        File.CreateSymbolicLink(pair.L("link"), "d0/f0.bin");
        var seen = new List<PlanProgress>();
        using var subscription = pair.Pair.Subscribe(what =>
        {
            if (what == PairNotification.Progress && pair.Pair.Progress is { } p)
            {
                lock (seen)
                {
                    seen.Add(p);
                }
            }
        });

        // Act
        await pair.StartAsync();
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));

        // Assert: the totals are the tree's, on both sides.
        var expected = new TreeTotals(300, 10, 1, 3_000_000);
        var totals = Assert.IsType<PairTotals>(pair.Pair.Totals);
        Assert.Equal((expected, expected), (totals.Left, totals.Right));
        Assert.Equal(expected, CountTree(pair.Right));
        // The run ended with every planned file committed, and was seen part way.
        var last = Assert.IsType<PlanProgress>(pair.Pair.Progress);
        Assert.Equal((300L, 300L, 3_000_000L, 3_000_000L, true), (last.Files, last.FilesDone, last.Bytes, last.BytesDone, last.Finished));
        Assert.Equal(1, last.Fraction);
        lock (seen)
        {
            Assert.Contains(seen, p => p is { Finished: false, FilesDone: > 0 } && p.FilesDone < p.Files && p.BytesPerSecond > 0 && p.Remaining > TimeSpan.Zero);
            Assert.All(seen.Zip(seen.Skip(1)), p => Assert.True(p.Second.FilesDone >= p.First.FilesDone || p.Second.Started != p.First.Started, "files done never go back within a run"));
        }
    }

    [Fact]
    public async Task DeletesAndNewFiles_AfterTheFirstSync_TotalsFollow()
    {
        // Arrange
        await using var pair = PairHarness.Create();
        Directory.CreateDirectory(pair.L("keep"));
        Directory.CreateDirectory(pair.L("gone"));
        await File.WriteAllBytesAsync(pair.L("gone/a.bin"), new byte[100]);
        await File.WriteAllBytesAsync(pair.L("gone/b.bin"), new byte[200]);
        await File.WriteAllBytesAsync(pair.L("keep/c.bin"), new byte[300]);
        await pair.StartAsync();
        await pair.WaitConvergedAsync();
        Assert.Equal(new TreeTotals(3, 2, 0, 600), pair.Pair.Totals?.Right);

        // Act: a folder deleted on the left, a file added on the right.
        Directory.Delete(pair.L("gone"), recursive: true);
        await File.WriteAllBytesAsync(pair.R("keep/d.bin"), new byte[50]);
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(5));

        // Assert
        await PairHarness.WaitUntilAsync(() => pair.Pair.Totals?.Left == new TreeTotals(2, 1, 0, 350), PairHarness.Converge, "the totals to follow",
            () => $"totals {pair.Pair.Totals}, tree {CountTree(pair.Left)}");
        Assert.Equal(CountTree(pair.Left), pair.Pair.Totals?.Left);
    }

    /// <summary>What <c>find</c> would count below <paramref name="root"/>, without the pair's own <c>.psync</c> folder.</summary>
    internal static TreeTotals CountTree(string root)
    {
        long files = 0, dirs = 0, links = 0, bytes = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            if (Path.GetRelativePath(root, info.FullName).Split('/')[0] == ".psync")
            {
                continue;
            }
            if (info.LinkTarget is not null)
            {
                links++;
            }
            else if (info is DirectoryInfo)
            {
                dirs++;
            }
            else
            {
                files++;
                bytes += ((FileInfo)info).Length;
            }
        }
        return new TreeTotals(files, dirs, links, bytes);
    }
}
