using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>The one-way modes end to end, with real agents: what a right-side create, edit and delete lead to, by events and by the start's reconcile.</summary>
public abstract class ModeTestsBase : PairTestBase
{
    private protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <summary>The contents of every file in the right's trash (and below a trashed directory).</summary>
    private protected string[] RightTrash() =>
        Directory.Exists(Harness.R(".psync/trash"))
            ? [.. Directory.GetFiles(Harness.R(".psync/trash"), "*", SearchOption.AllDirectories).Select(File.ReadAllText).Order()]
            : [];

    private protected Task WaitAsync(Func<bool> condition, string what) =>
        PairHarness.WaitUntilAsync(() => condition() && Harness.Pair.Status.State == PairState.Idle, Deadline, what,
            () => $"status {Harness.Pair.Status}; history:\n{string.Join('\n', Harness.Pair.History.TakeLast(30))}");

    private protected bool Listed(string path) => Harness.Pair.Conflicts.Any(c => c.Path == path);

    private protected static string? Read(string file) => File.Exists(file) ? File.ReadAllText(file) : null;

    /// <summary>Stops the pair, lets the right create, edit and delete on its own, and starts the pair again.</summary>
    private protected async Task RightChangesWhileStoppedAsync()
    {
        await File.WriteAllTextAsync(Harness.L("edit.txt"), "v1");
        await File.WriteAllTextAsync(Harness.L("gone.txt"), "keep me");
        await Harness.WaitConvergedAsync();
        await Harness.StopAsync();

        await File.WriteAllTextAsync(Harness.R("own.txt"), "right's own");
        await File.WriteAllTextAsync(Harness.R("edit.txt"), "right edit");
        File.Delete(Harness.R("gone.txt"));
        await Harness.RestartAsync();
    }
}

public sealed class OneWaySafeTests : ModeTestsBase
{
    private protected override PairHarness Create() => PairHarness.Create(o => o with { Mode = SyncMode.OneWaySafe });

    [Fact]
    public async Task RightCreate_KeptOnTheRightOnlyAndListed()
    {
        await File.WriteAllTextAsync(Harness.L("a.txt"), "left");
        await Harness.WaitConvergedAsync();

        await File.WriteAllTextAsync(Harness.R("own.txt"), "right's own");
        await WaitAsync(() => Listed("own.txt"), "own.txt listed");

        Assert.False(File.Exists(Harness.L("own.txt")));
        Assert.Equal("right's own", Read(Harness.R("own.txt")));
        var conflict = Assert.Single(Harness.Pair.Conflicts);
        Assert.Equal(("own.txt", "own.txt", Side.Right), (conflict.ConflictCopy, conflict.Path, conflict.Loser));
    }

    [Fact]
    public async Task RightEdit_KeptAndListed_TheLeftsNextEditKeepsItAsACopyOnTheRight()
    {
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "v1");
        await Harness.WaitConvergedAsync();

        await File.WriteAllTextAsync(Harness.R("doc.txt"), "right edit");
        await WaitAsync(() => Listed("doc.txt"), "doc.txt listed");
        Assert.Equal(("v1", "right edit"), (Read(Harness.L("doc.txt")), Read(Harness.R("doc.txt"))));

        await File.WriteAllTextAsync(Harness.L("doc.txt"), "left v2");
        await WaitAsync(() => Read(Harness.R("doc.txt")) == "left v2", "the left's edit on the right");

        var copy = Assert.Single(Directory.GetFiles(Harness.Right), f => f.Contains(".psync-conflict-", StringComparison.Ordinal));
        Assert.Equal("right edit", Read(copy));
        Assert.Equal(["doc.txt"], Directory.GetFiles(Harness.Left).Select(Path.GetFileName));
        Assert.Equal("left v2", Read(Harness.L("doc.txt")));
    }

    [Fact]
    public async Task RightDelete_BroughtBackFromTheLeft()
    {
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "v1");
        await Harness.WaitConvergedAsync();

        File.Delete(Harness.R("doc.txt"));
        await Harness.WaitConvergedAsync(Deadline);

        Assert.Equal("v1", Read(Harness.R("doc.txt")));
        Assert.Contains(Harness.Pair.History, e => e.Kind == EventKind.Reverted && e.Path == "doc.txt");
    }

    [Fact]
    public async Task ResolveConflict_KeepLeftOfAKeptRightEdit_TheLeftsVersionBackAndTheRightsInItsTrash()
    {
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "v1");
        await Harness.WaitConvergedAsync();
        await File.WriteAllTextAsync(Harness.R("doc.txt"), "right edit");
        await WaitAsync(() => Listed("doc.txt"), "doc.txt listed");

        await Harness.Pair.ResolveConflictAsync(Assert.Single(Harness.Pair.Conflicts).Id, ConflictResolution.KeepLeft, CancellationToken.None);
        await Harness.WaitConvergedAsync(Deadline);

        Assert.Equal("v1", Read(Harness.R("doc.txt")));
        Assert.Equal(["right edit"], RightTrash());
        Assert.True(Assert.Single(Harness.Pair.Conflicts).Resolved);
    }

    [Fact]
    public async Task ChangesWhileStopped_TheStartsReconcileGivesTheSameResultAndListsThemOnce()
    {
        await RightChangesWhileStoppedAsync();
        await WaitAsync(() => Listed("own.txt") && Listed("edit.txt") && File.Exists(Harness.R("gone.txt")), "the reconcile");
        await Harness.StopAsync();
        await Harness.RestartAsync();

        Assert.Equal(["edit.txt", "own.txt"], Harness.Pair.Conflicts.Select(c => c.Path).Order());
        Assert.Equal(("v1", "right edit"), (Read(Harness.L("edit.txt")), Read(Harness.R("edit.txt"))));
        Assert.False(File.Exists(Harness.L("own.txt")));
        Assert.Equal("keep me", Read(Harness.R("gone.txt")));
    }
}

public sealed class MirrorTests : ModeTestsBase
{
    private protected override PairHarness Create() => PairHarness.Create(o => o with { Mode = SyncMode.Mirror });

    [Fact]
    public async Task RightCreate_GoesToTheRightsTrashAndIsListed()
    {
        await File.WriteAllTextAsync(Harness.L("a.txt"), "left");
        await Harness.WaitConvergedAsync();

        await File.WriteAllTextAsync(Harness.R("own.txt"), "right's own");
        Directory.CreateDirectory(Harness.R("dir"));
        await File.WriteAllTextAsync(Harness.R("dir/inner.txt"), "inner");
        await WaitAsync(() => !File.Exists(Harness.R("own.txt")) && !Directory.Exists(Harness.R("dir")), "the right's own files gone");

        Assert.Empty(PairHarness.Diff(PairHarness.Snapshot(Harness.Left), PairHarness.Snapshot(Harness.Right)) ?? "");
        Assert.Equal(["inner", "right's own"], RightTrash());
        Assert.Contains(Harness.Pair.History, e => e.Kind == EventKind.Reverted && e.Path == "own.txt");
    }

    [Fact]
    public async Task RightEdit_TheLeftsVersionBackAndTheRightsInItsTrash()
    {
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "v1");
        await Harness.WaitConvergedAsync();

        await File.WriteAllTextAsync(Harness.R("doc.txt"), "right edit");
        await WaitAsync(() => Read(Harness.R("doc.txt")) == "v1", "doc.txt back to the left's");
        await Harness.WaitConvergedAsync();

        Assert.Equal("v1", Read(Harness.L("doc.txt")));
        Assert.Equal(["right edit"], RightTrash());
    }

    [Fact]
    public async Task RightDelete_BroughtBackFromTheLeft()
    {
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "v1");
        await Harness.WaitConvergedAsync();

        File.Delete(Harness.R("doc.txt"));
        await Harness.WaitConvergedAsync(Deadline);

        Assert.Equal("v1", Read(Harness.R("doc.txt")));
    }

    [Fact]
    public async Task ChangesWhileStopped_TheStartsReconcileGivesTheSameResult()
    {
        await RightChangesWhileStoppedAsync();
        await Harness.WaitConvergedAsync(Deadline);

        Assert.Equal(("v1", "keep me"), (Read(Harness.R("edit.txt")), Read(Harness.R("gone.txt"))));
        Assert.False(File.Exists(Harness.R("own.txt")));
        Assert.Equal(["right edit", "right's own"], RightTrash());
    }
}
