using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>What the delete guard holds, and undoing it: the held paths are copied back from the side that still has them.</summary>
public sealed class HeldDeleteTests
{
    [Fact]
    public async Task GuardHolds_HeldDeletesListTheLostSideAndPaths()
    {
        await using var pair = await HeldAsync();

        Assert.Equal(["docs", "docs/f0", "docs/f1", "docs/f2", "docs/f3", "top"], pair.Pair.HeldDeletes.Select(h => h.Path));
        Assert.All(pair.Pair.HeldDeletes, h => Assert.Equal(Side.Left, h.Lost));
        Assert.Equal(EntryKind.Directory, pair.Pair.HeldDeletes[0].Kind);
        Assert.Equal(EntryKind.File, pair.Pair.HeldDeletes[1].Kind);
    }

    [Fact]
    public async Task RestoreHeldDeletes_CopiesThemBackToTheSideThatLostThem_AndDeletesNothing()
    {
        await using var pair = await HeldAsync();

        await pair.Pair.RestoreHeldDeletesAsync(CancellationToken.None);
        await pair.WaitConvergedAsync();

        Assert.Equal("content 2", await File.ReadAllTextAsync(pair.L("docs/f2")));
        Assert.Equal("top", await File.ReadAllTextAsync(pair.L("top")));
        Assert.Equal(5, Directory.GetFiles(pair.R("docs")).Length + (File.Exists(pair.R("top")) ? 1 : 0));
        Assert.Empty(pair.Pair.HeldDeletes);
        Assert.False(pair.Pair.Status.AwaitsDeleteConfirmation);
        Assert.Null(PairHarness.Diff(PairHarness.Snapshot(pair.Left), PairHarness.Snapshot(pair.Right)));
    }

    [Fact]
    public async Task RestoreHeldDeletes_NothingHeld_Refused()
    {
        await using var pair = PairHarness.Create();
        await pair.StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => pair.Pair.RestoreHeldDeletesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ConfirmDeletes_ClearsTheHeldList()
    {
        await using var pair = await HeldAsync();

        pair.Pair.ConfirmDeletes();
        await pair.WaitConvergedAsync();

        Assert.Empty(pair.Pair.HeldDeletes);
        Assert.False(Directory.Exists(pair.R("docs")));
    }

    /// <summary>A pair of a folder with four files and a file beside it, all deleted on the left: six deletes, held (the guard looks at three or more, over half).</summary>
    private static async Task<PairHarness> HeldAsync()
    {
        var pair = PairHarness.Create(o => o with { MinDeletesGuarded = 3, MaxDeleteShare = 0.5 });
        await pair.StartAsync();
        Directory.CreateDirectory(pair.L("docs"));
        for (var i = 0; i < 4; i++)
        {
            await File.WriteAllTextAsync(pair.L($"docs/f{i}"), $"content {i}");
        }
        await File.WriteAllTextAsync(pair.L("top"), "top");
        await File.WriteAllTextAsync(pair.L("kept"), "kept");
        await pair.WaitConvergedAsync();

        Directory.Delete(pair.L("docs"), recursive: true);
        File.Delete(pair.L("top"));
        await PairHarness.WaitUntilAsync(() => pair.Pair.Status.AwaitsDeleteConfirmation && pair.Pair.HeldDeletes.Count == 6, PairHarness.Converge, "the delete guard",
            () => $"{pair.Pair.Status} held {pair.Pair.HeldDeletes.Count}");
        return pair;
    }
}
