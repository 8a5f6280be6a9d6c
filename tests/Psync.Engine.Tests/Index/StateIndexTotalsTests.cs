using Psync.Engine.Index;
using Psync.Protocol;
using static Psync.Engine.Tests.Index.TempIndex;

namespace Psync.Engine.Tests.Index;

public sealed class StateIndexTotalsTests : IDisposable
{
    private readonly TempIndex _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Totals_PutReplaceRemoveMove_FollowTheEntries()
    {
        // Arrange
        using var index = _temp.Open();
        var link = new FileState(EntryKind.Symlink, 3, 1, 0xA1FF, 9, 1, "a/x");

        // Act: two dirs, three files, a link; one file replaced with a bigger one; a tree moved; one removed.
        index.Put(DirEntry("a"));
        index.Put(DirEntry("a/b"));
        index.Put(FileEntry("a/x", size: 10));
        index.Put(FileEntry("a/b/y", size: 20));
        index.Put(FileEntry("z", size: 30));
        index.Put(new IndexEntry("l", link, link with { Inode = 10 }));
        index.Put(FileEntry("z", size: 35));
        index.MoveTree("a", "c");
        var afterMove = index.Totals();
        index.RemoveTree("c/b");

        // Assert
        Assert.Equal(new TreeTotals(3, 2, 1, 65), afterMove);
        Assert.Equal(new TreeTotals(2, 1, 1, 45), index.Totals());
    }

    [Fact]
    public void Totals_KindChangedAndRolledBack_CountLikeTheEntries()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(FileEntry("p", size: 7));

        // Act: the file becomes a directory in a batch that is rolled back, then in one that commits.
        using (index.Begin())
        {
            index.Put(DirEntry("p"));
            Assert.Equal(new TreeTotals(0, 1, 0, 0), index.Totals());
        }
        var rolledBack = index.Totals();
        using (var tx = index.Begin())
        {
            index.Put(DirEntry("p"));
            tx.Commit();
        }

        // Assert
        Assert.Equal(new TreeTotals(1, 0, 0, 7), rolledBack);
        Assert.Equal(new TreeTotals(0, 1, 0, 0), index.Totals());
    }

    [Fact]
    public void Totals_RemoveAll_IsEmpty()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(FileEntry("a"));
        index.Put(DirEntry("d"));

        // Act
        index.RemoveTree("");

        // Assert
        Assert.Equal(TreeTotals.Empty, index.Totals());
    }
}
