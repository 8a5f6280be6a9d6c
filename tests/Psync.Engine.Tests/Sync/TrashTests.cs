using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <remarks>With <see cref="PairOptions.Force"/>, a directory moved out of the tree goes to the other side's trash whole, not file by file.</remarks>
public sealed class TrashTests : TrashTestsBase
{
    private protected override PairHarness Create() => PairHarness.Create(o => o with { Force = true });

    [Fact]
    public async Task RestoreAsync_DirectoryGoneFromLeft_WholeTreeBackOnBothSides()
    {
        Directory.CreateDirectory(Harness.L("album/2020"));
        await File.WriteAllTextAsync(Harness.L("album/a.jpg"), "a");
        await File.WriteAllTextAsync(Harness.L("album/2020/b.jpg"), "bb");
        await Harness.WaitConvergedAsync();
        Directory.Move(Harness.L("album"), Path.Combine(Harness.Dir, "moved-out"));
        await Harness.WaitConvergedAsync();

        var entry = Assert.Single(await Harness.Pair.TrashAsync(Side.Right, CancellationToken.None));
        var result = await Harness.Pair.RestoreAsync(Side.Right, entry.Id, CancellationToken.None);
        await Harness.WaitConvergedAsync();

        Assert.Equal(("album", EntryKind.Directory), (entry.OriginalPath, entry.State.Kind));
        Assert.Equal("album", result.RestoredPath);
        Assert.Equal("a", await File.ReadAllTextAsync(Harness.L("album/a.jpg")));
        Assert.Equal("bb", await File.ReadAllTextAsync(Harness.L("album/2020/b.jpg")));
    }

    [Fact]
    public async Task RestoreAsync_FileOfARemovedDirectory_ParentMadeAgainOnBothSides()
    {
        Directory.CreateDirectory(Harness.L("dir/sub"));
        await File.WriteAllTextAsync(Harness.L("dir/sub/one.txt"), "one");
        await File.WriteAllTextAsync(Harness.L("dir/two.txt"), "two");
        await Harness.WaitConvergedAsync();
        Directory.Delete(Harness.L("dir"), recursive: true);
        await Harness.WaitConvergedAsync();

        var trash = await Harness.Pair.TrashAsync(Side.Right, CancellationToken.None);
        var one = Assert.Single(trash, e => e.OriginalPath == "dir/sub/one.txt");
        await Harness.Pair.RestoreAsync(Side.Right, one.Id, CancellationToken.None);
        await Harness.WaitConvergedAsync();

        Assert.Equal("one", await File.ReadAllTextAsync(Harness.L("dir/sub/one.txt")));
        Assert.False(File.Exists(Harness.L("dir/two.txt")));
    }

    [Fact]
    public async Task RestoreAsync_PathTakenMeanwhile_RestoredBesideAndNothingOverwritten()
    {
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "old");
        await Harness.WaitConvergedAsync();
        File.Delete(Harness.L("doc.txt"));
        await Harness.WaitConvergedAsync();
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "new, written since");
        await Harness.WaitConvergedAsync();

        var entry = Assert.Single(await Harness.Pair.TrashAsync(Side.Right, CancellationToken.None));
        var result = await Harness.Pair.RestoreAsync(Side.Right, entry.Id, CancellationToken.None);
        await Harness.WaitConvergedAsync();

        Assert.True(result.Renamed);
        Assert.Matches(@"^doc\.psync-restored-\d{8}-\d{6}\.txt$", result.RestoredPath);
        Assert.Equal("new, written since", await File.ReadAllTextAsync(Harness.L("doc.txt")));
        Assert.Equal("old", await File.ReadAllTextAsync(Harness.L(result.RestoredPath)));
    }

    [Fact]
    public async Task RestoreAsync_UnknownId_ThrowsAndChangesNothing()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Harness.Pair.RestoreAsync(Side.Left, "20200101T000000.000Z-1-1", CancellationToken.None));

        Assert.Contains("no entry", e.Message);
        Assert.Equal(PairState.Idle, Harness.Pair.Status.State);
    }

    [Fact]
    public async Task RestoreAsync_IdNoFileNameCanHave_ThrowsAndThePairGoesOn()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Harness.Pair.RestoreAsync(Side.Left, "lone\uD800surrogate", CancellationToken.None));
        await File.WriteAllTextAsync(Harness.L("after.txt"), "still syncing");
        await Harness.WaitConvergedAsync();

        Assert.DoesNotContain(Harness.Pair.History, e => e.Kind == EventKind.Error);
    }

    [Fact]
    public async Task TrashAndRestore_PairNotRunning_ThrowPairNotRunning()
    {
        await Harness.StopAsync();

        await Assert.ThrowsAsync<PairNotRunningException>(() => Harness.Pair.TrashAsync(Side.Left, CancellationToken.None));
        await Assert.ThrowsAsync<PairNotRunningException>(() => Harness.Pair.RestoreAsync(Side.Left, "x", CancellationToken.None));
    }
}

public sealed class RemoteTrashTests(SshdFixture sshd) : TrashTestsBase, IClassFixture<SshdFixture>
{
    private protected override PairHarness Create() => PairHarness.CreateRemote(sshd);
}

public abstract class TrashTestsBase : PairTestBase
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task RestoreAsync_FileDeletedOnLeft_BackOnBothSidesFromTheRightTrash()
    {
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "precious");
        await Harness.WaitConvergedAsync(Deadline);
        File.Delete(Harness.L("doc.txt"));
        await Harness.WaitConvergedAsync(Deadline);

        var trash = await Harness.Pair.TrashAsync(Side.Right, CancellationToken.None);
        var entry = Assert.Single(trash);
        var result = await Harness.Pair.RestoreAsync(Side.Right, entry.Id, CancellationToken.None);
        await Harness.WaitConvergedAsync(Deadline);

        Assert.Equal(("doc.txt", EntryKind.File, 8L), (entry.OriginalPath, entry.State.Kind, entry.State.Size));
        Assert.InRange(entry.Trashed, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Equal(new RestoreResult(Side.Right, entry.Id, "doc.txt", "doc.txt", result.State), result);
        Assert.Equal("precious", await File.ReadAllTextAsync(Harness.L("doc.txt")));
        Assert.Equal("precious", await File.ReadAllTextAsync(Harness.R("doc.txt")));
        Assert.Empty(await Harness.Pair.TrashAsync(Side.Right, CancellationToken.None));
        Assert.Contains(Harness.Pair.History, e => e.Kind == EventKind.Restore && e.Target == Side.Right && e.Path == "doc.txt");
    }
}
