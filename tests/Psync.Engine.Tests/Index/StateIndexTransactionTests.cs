using static Psync.Engine.Tests.Index.TempIndex;

namespace Psync.Engine.Tests.Index;

public sealed class StateIndexTransactionTests : IDisposable
{
    private readonly TempIndex _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Begin_DisposedWithoutCommit_RollsBackEveryWrite()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(DirEntry("d"));
        index.Put(FileEntry("d/f"));
        index.Put(FileEntry("keep"));
        index.SetMeta("k", "before");
        var before = index.Enumerate().ToArray();

        // Act
        using (index.Begin())
        {
            index.Put(FileEntry("added"));
            index.Remove("keep");
            index.MoveTree("d", "e");
            index.RemoveTree("e");
            index.SetMeta("k", "after");
            Assert.Null(index.Get("keep"));
        }

        // Assert
        Assert.Equal(before, index.Enumerate());
        Assert.Equal("before", index.GetMeta("k"));
    }

    [Fact]
    public void Begin_Committed_KeepsWritesAcrossReopen()
    {
        // Arrange
        using (var index = _temp.Open())
        {
            // Act
            using var batch = index.Begin();
            index.Put(FileEntry("a"));
            index.Put(FileEntry("b"));
            index.SetMeta("k", "v");
            batch.Commit();
        }

        // Assert
        using var reopened = _temp.Open();
        Assert.Equal(2, reopened.Count());
        Assert.Equal("v", reopened.GetMeta("k"));
    }

    [Fact]
    public void BeginRead_ReadsWhatIsThere_RefusesEveryWrite_AndLeavesTheIndexWritableAfter()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(DirEntry("d"));
        index.Put(FileEntry("d/f"));
        index.SetMeta("k", "v");

        // Act + Assert
        using (index.BeginRead())
        {
            Assert.Equal(FileEntry("d/f"), index.Get("d/f"));
            Assert.Null(index.Get("missing"));
            Assert.Equal(2, index.Count());
            Assert.Equal("v", index.GetMeta("k"));
            Assert.Throws<InvalidOperationException>(() => index.Put(FileEntry("added")));
            Assert.Throws<InvalidOperationException>(() => index.Remove("d/f"));
            Assert.Throws<InvalidOperationException>(() => index.RemoveTree("d"));
            Assert.Throws<InvalidOperationException>(() => index.MoveTree("d", "e"));
            Assert.Throws<InvalidOperationException>(() => index.SetMeta("k", "w"));
            Assert.Throws<InvalidOperationException>(() => index.Begin());
        }
        index.Put(FileEntry("added"));
        Assert.Equal(3, index.Count());
        Assert.Equal(FileEntry("d/f"), index.Get("d/f"));
    }

    [Fact]
    public void Begin_WhileOpen_Throws()
    {
        // Arrange
        using var index = _temp.Open();
        using var batch = index.Begin();

        // Act + Assert
        Assert.Throws<InvalidOperationException>(() => index.Begin());
    }

    [Fact]
    public void Begin_AfterCommit_StartsNewBatch()
    {
        // Arrange
        using var index = _temp.Open();
        using (var first = index.Begin())
        {
            index.Put(FileEntry("a"));
            first.Commit();
        }

        // Act
        using (index.Begin())
        {
            index.Put(FileEntry("b"));
        }

        // Assert
        Assert.NotNull(index.Get("a"));
        Assert.Null(index.Get("b"));
    }

    [Fact]
    public void Commit_Twice_Throws()
    {
        // Arrange
        using var index = _temp.Open();
        using var batch = index.Begin();
        batch.Commit();

        // Act + Assert
        Assert.Throws<InvalidOperationException>(batch.Commit);
    }

    [Fact]
    public void Dispose_IndexWithOpenBatch_RollsBack()
    {
        // Arrange
        var index = _temp.Open();
        var batch = index.Begin();
        index.Put(FileEntry("lost"));

        // Act
        index.Dispose();
        batch.Dispose();

        // Assert
        using var reopened = _temp.Open();
        Assert.Equal(0, reopened.Count());
    }

    [Fact]
    public void Enumerate_InsideBatch_SeesCommittedStateOnly()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(FileEntry("committed"));
        using var batch = index.Begin();
        index.Put(FileEntry("pending"));

        // Act
        var walked = index.Enumerate().Select(e => e.Path).ToArray();

        // Assert
        Assert.Equal(["committed"], walked);
        Assert.NotNull(index.Get("pending"));
    }
}
