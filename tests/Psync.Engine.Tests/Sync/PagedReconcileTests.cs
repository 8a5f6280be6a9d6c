using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>A reconcile of a tree bigger than a page merges and syncs it a page at a time.</summary>
public sealed class PagedReconcileTests : PagedReconcileTestsBase
{
    private protected override PairHarness Create() => PairHarness.Create(Paged);

    [Fact]
    public async Task FirstSync_LastPageToo_IsPlannedWithoutWaitingOutTheDeleteHold()
    {
        // A hold of an hour: what is absent on the right was never in the index, so nothing waits for it.
        await using var pair = PairHarness.Create(o => Paged(o) with { DeleteHold = TimeSpan.FromHours(1) });
        await WriteTreeAsync(pair.Left, "d", 3, 10);
        await pair.StartAsync();
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(30, Directory.GetFiles(pair.Right, "*", SearchOption.AllDirectories).Count(f => !f.Contains("/.psync/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ConflictOnAPagesLastPath_ItsCopyFallsInTheNextPage_IsKeptOnBothSides()
    {
        // Pages of 3: the left's a1, a2, a3 are the first, and a3 differs on the right. Its conflict
        // copy (a3.psync-conflict-…) sorts into the next page, whose scans were read while the first synced.
        await using var pair = PairHarness.Create(o => o with { ReconcilePage = 3 });
        await pair.StopAsync();
        foreach (var name in new[] { "a1", "a2", "a3", "b1", "b2", "b3", "c1" })
        {
            await File.WriteAllTextAsync(pair.L(name), $"left {name}");
        }
        await File.WriteAllTextAsync(pair.R("a3"), "the right's own a3");
        File.SetLastWriteTimeUtc(pair.R("a3"), DateTime.UtcNow.AddHours(-1));

        await pair.RestartAsync();
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));

        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Conflict && e.Path == "a3");
        Assert.DoesNotContain(pair.Pair.History, e => e.Kind == EventKind.Delete);
        foreach (var root in new[] { pair.Left, pair.Right })
        {
            Assert.Equal("left a3", await File.ReadAllTextAsync(Path.Combine(root, "a3")));
            var copy = Assert.Single(Directory.GetFiles(root, "a3.psync-conflict-*"));
            Assert.Equal("the right's own a3", await File.ReadAllTextAsync(copy));
        }
    }

    [Fact]
    public async Task DeletesWhileStopped_SpreadOverPages_AreGuardedTogether()
    {
        await using var pair = PairHarness.Create(o => Paged(o) with { MinDeletesGuarded = 3, MaxDeleteShare = 0.5 });
        await pair.StartAsync();
        await WriteTreeAsync(pair.Left, "d", 3, 10);
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        await pair.StopAsync();

        // 20 of 33 paths, in every page: no page alone deletes more than half the tree.
        for (var i = 0; i < 30; i++)
        {
            if (i % 3 != 0)
            {
                File.Delete(pair.L($"d{i % 3}/f{i:D2}"));
            }
        }
        await pair.RestartAsync();

        Assert.Equal(PairState.Paused, pair.Pair.Status.State);
        Assert.Contains("would delete 20 of 33", pair.Pair.Status.Reason);
        Assert.Equal(30, Directory.GetFiles(pair.Right, "*", SearchOption.AllDirectories).Count(f => !f.Contains("/.psync/", StringComparison.Ordinal)));
    }
}

public sealed class RemotePagedReconcileTests(SshdFixture sshd) : PagedReconcileTestsBase, IClassFixture<SshdFixture>
{
    private protected override PairHarness Create() => PairHarness.CreateRemote(sshd, Paged);
}

public abstract class PagedReconcileTestsBase : PairTestBase
{
    private protected static PairOptions Paged(PairOptions o) => o with { ReconcilePage = 7 };

    private protected static async Task WriteTreeAsync(string root, string prefix, int dirs, int files)
    {
        for (var i = 0; i < files * dirs; i++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, $"{prefix}{i % dirs}")).FullName;
            await File.WriteAllTextAsync(Path.Combine(dir, $"f{i:D2}"), $"{prefix} {i}");
        }
    }

    [Fact]
    public async Task StartOnTreesOfManyPages_BothSidesConvergeAPageAtATime()
    {
        await Harness.StopAsync();
        // Names of both sides interleave, so every page holds work in both directions.
        await WriteTreeAsync(Harness.Left, "d", 3, 10);
        await WriteTreeAsync(Harness.Right, "e", 2, 10);
        Directory.CreateDirectory(Harness.R("d1"));
        foreach (var both in new[] { Harness.L("d1/both"), Harness.R("d1/both") })
        {
            await File.WriteAllTextAsync(both, "same");
            File.SetLastWriteTimeUtc(both, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        }

        await Harness.RestartAsync();
        await Harness.WaitConvergedAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(50, Harness.Pair.Counters.FilesTransferred);
        // 56 paths, 7 a page and side: synced page by page, where one page would be one batch a direction.
        Assert.True(Harness.Pair.Counters.RsyncRuns >= 3, $"{Harness.Pair.Counters.RsyncRuns} rsync runs\n{string.Join('\n', Harness.Pair.History)}");
        Assert.Empty(Harness.Pair.Conflicts);
    }
}
