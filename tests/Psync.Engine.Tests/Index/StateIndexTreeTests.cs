using Psync.Protocol;
using static Psync.Engine.Tests.Index.TempIndex;

namespace Psync.Engine.Tests.Index;

public sealed class StateIndexTreeTests : IDisposable
{
    private static readonly string[] MixedPaths =
    [
        "a", "a/x", "a-c", "a/x/y", "a/x-z", "a/xx", "a.b", "ab", "b", "b/\U0001F600", "b/\uFFFD", "b/\uDCFF",
        "b/\uDC80", "b/\u00E9", "b/z", "bad\uDCFF", "bad\uDCFF/in", "\U0001F600", "\U0001F600/x", "\uDCC3", "A", "-dash", "a/x/y/z",
    ];

    private readonly TempIndex _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Enumerate_ShuffledPaths_ReturnsPathOrder()
    {
        // Arrange
        using var index = _temp.Open();
        var shuffled = MixedPaths.ToArray();
        new Random(7).Shuffle(shuffled);
        foreach (var path in shuffled)
        {
            index.Put(FileEntry(path));
        }
        var expected = MixedPaths.Order(PathOrder.Instance).ToArray();

        // Act
        var walked = index.Enumerate().Select(e => e.Path).ToArray();

        // Assert
        Assert.Equal(expected, walked);
        Assert.Equal(["a", "a/x", "a/x/y", "a/x/y/z", "a/x-z", "a/xx", "a-c", "a.b", "ab"], walked.SkipWhile(p => p != "a").Take(9));
    }

    [Fact]
    public void EnumerateBelow_Dir_ReturnsDescendantsOnlyInOrder()
    {
        // Arrange
        using var index = _temp.Open();
        foreach (var path in MixedPaths)
        {
            index.Put(FileEntry(path));
        }

        // Act
        var belowA = index.EnumerateBelow("a").Select(e => e.Path).ToArray();
        var belowBad = index.EnumerateBelow("bad\uDCFF").Select(e => e.Path).ToArray();
        var belowRoot = index.EnumerateBelow("").Select(e => e.Path).ToArray();

        // Assert
        Assert.Equal(["a/x", "a/x/y", "a/x/y/z", "a/x-z", "a/xx"], belowA);
        Assert.Equal(["bad\uDCFF/in"], belowBad);
        Assert.Equal(MixedPaths.Order(PathOrder.Instance), belowRoot);
    }

    [Fact]
    public void RemoveTree_Dir_RemovesExactlyTheSubtree()
    {
        // Arrange
        using var index = _temp.Open();
        foreach (var path in MixedPaths)
        {
            index.Put(FileEntry(path));
        }

        // Act
        var removed = index.RemoveTree("a");

        // Assert
        Assert.Equal(6, removed);
        var left = index.Enumerate().Select(e => e.Path).ToHashSet();
        Assert.Equal(MixedPaths.Where(p => !PathOrder.IsSameOrBelow(p, "a")).ToHashSet(), left);
        Assert.Contains("a-c", left);
        Assert.Contains("ab", left);
        Assert.Contains("a.b", left);
    }

    [Fact]
    public void RemoveTree_EscapedName_RemovesOnlyItsSubtree()
    {
        // Arrange
        using var index = _temp.Open();
        foreach (var path in MixedPaths)
        {
            index.Put(FileEntry(path));
        }

        // Act
        var removed = index.RemoveTree("bad\uDCFF");

        // Assert
        Assert.Equal(2, removed);
        Assert.Equal(MixedPaths.Length - 2, index.Count());
    }

    [Fact]
    public void RemoveTree_Root_RemovesEverything()
    {
        // Arrange
        using var index = _temp.Open();
        foreach (var path in MixedPaths)
        {
            index.Put(FileEntry(path));
        }

        // Act
        var removed = index.RemoveTree("");

        // Assert
        Assert.Equal(MixedPaths.Length, removed);
        Assert.Equal(0, index.Count());
    }

    [Fact]
    public void MoveTree_TenThousandEntries_MovesAllAndLeavesSiblings()
    {
        // Arrange
        using var index = _temp.Open();
        using (var batch = index.Begin())
        {
            index.Put(DirEntry("dir", ino: 5));
            for (var i = 0; i < 9_999; i++)
            {
                index.Put(FileEntry($"dir/sub{i % 10}/f{i}", size: i, ino: (ulong)i + 10));
            }
            index.Put(FileEntry("dir-x", size: 7));
            index.Put(FileEntry("dir-x/f", size: 8));
            index.Put(FileEntry("dirt", size: 9));
            batch.Commit();
        }

        // Act
        var moved = index.MoveTree("dir", "renamed");

        // Assert
        Assert.Equal(10_000, moved);
        Assert.Empty(index.EnumerateBelow("dir"));
        Assert.Null(index.Get("dir"));
        Assert.Equal(DirEntry("renamed", ino: 5), index.Get("renamed"));
        Assert.Equal(FileEntry("renamed/sub4/f1234", size: 1234, ino: 1244), index.Get("renamed/sub4/f1234"));
        Assert.Equal(9_999, index.EnumerateBelow("renamed").Count());
        Assert.Equal(FileEntry("dir-x", size: 7), index.Get("dir-x"));
        Assert.Equal(FileEntry("dir-x/f", size: 8), index.Get("dir-x/f"));
        Assert.Equal(FileEntry("dirt", size: 9), index.Get("dirt"));
        Assert.Equal(10_003, index.Count());
    }

    [Fact]
    public void MoveTree_ExistingTarget_ReplacesTargetSubtree()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(DirEntry("src"));
        index.Put(FileEntry("src/new", size: 1));
        index.Put(DirEntry("dst"));
        index.Put(FileEntry("dst/old", size: 2));
        index.Put(FileEntry("dst/new", size: 3));

        // Act
        var moved = index.MoveTree("src", "dst");

        // Assert
        Assert.Equal(2, moved);
        Assert.Equal(["dst", "dst/new"], index.Enumerate().Select(e => e.Path));
        Assert.Equal(1, index.Get("dst/new")!.Left.Size);
    }

    [Fact]
    public void MoveTree_EscapesAndEmoji_PreservesExactBytes()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(DirEntry("from\uDCFF"));
        index.Put(FileEntry("from\uDCFF/\uDC80x\n"));
        index.Put(FileEntry("from\uDCFF/\U0001F480/deep"));

        // Act
        var moved = index.MoveTree("from\uDCFF", "to/\U0001F600\uDCC3");

        // Assert
        Assert.Equal(3, moved);
        Assert.Equal(
            ["to/\U0001F600\uDCC3", "to/\U0001F600\uDCC3/\uDC80x\n", "to/\U0001F600\uDCC3/\U0001F480/deep"],
            index.Enumerate().Select(e => e.Path));
        Assert.NotNull(index.Get("to/\U0001F600\uDCC3/\U0001F480/deep"));
    }

    [Fact]
    public void MoveTree_SingleFile_RenamesOnlyThatEntry()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(FileEntry("a", size: 1));
        index.Put(FileEntry("a-b", size: 2));

        // Act
        var moved = index.MoveTree("a", "c");

        // Assert
        Assert.Equal(1, moved);
        Assert.Equal(["a-b", "c"], index.Enumerate().Select(e => e.Path));
    }

    [Theory]
    [InlineData("a", "a/b")]
    [InlineData("a/b", "a")]
    [InlineData("", "a")]
    public void MoveTree_OneBelowTheOther_Throws(string from, string to)
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(FileEntry("a/b"));

        // Act + Assert
        Assert.Throws<ArgumentException>(() => index.MoveTree(from, to));
        Assert.NotNull(index.Get("a/b"));
    }

    [Fact]
    public void Enumerate_WritesDuringWalk_WalkSeesSnapshot()
    {
        // Arrange
        using var index = _temp.Open();
        for (var i = 0; i < 100; i++)
        {
            index.Put(FileEntry($"f{i:D3}"));
        }
        var seen = new List<string>();

        // Act
        foreach (var entry in index.Enumerate())
        {
            seen.Add(entry.Path);
            index.Remove(entry.Path);
            index.Put(FileEntry(entry.Path + "-new"));
        }

        // Assert
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"f{i:D3}"), seen);
        Assert.Equal(100, index.Count());
        Assert.All(index.Enumerate(), e => Assert.EndsWith("-new", e.Path, StringComparison.Ordinal));
    }
}
