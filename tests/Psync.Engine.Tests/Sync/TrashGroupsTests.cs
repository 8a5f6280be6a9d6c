using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

public sealed class TrashGroupsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static TrashEntry Entry(string id, string? path, double seconds) => new(Side.Right, id, path, T0.AddSeconds(seconds), FileState.Absent);

    [Fact]
    public void Group_FolderDeletedInOneBatch_OneGroupRootedAtTheFolder()
    {
        var entries = Enumerable.Range(0, 100).Select(i => Entry($"t{i}", $"photos/2024/img{i:000}.jpg", i * 0.01))
            .Append(Entry("n1", "photos/2024/raw/a.cr2", 1.1))
            .ToList();

        var groups = TrashGroups.Group(entries);

        var group = Assert.Single(groups);
        Assert.Equal("photos", group.Root);
        Assert.Equal(101, group.Entries.Count);
        Assert.Equal("n1", group.Id);
        Assert.Equal(T0.AddSeconds(1.1), group.Trashed);
    }

    [Fact]
    public void Group_LoneFilesAndAFolder_EachLoneFileItsOwnGroup()
    {
        var groups = TrashGroups.Group([Entry("a", "a.txt", 0), Entry("b", "docs/x", 0.1), Entry("c", "docs/y", 0.2), Entry("d", "other/z", 0.3)]);

        Assert.Equal(["a.txt", "docs", "other/z"], groups.Select(g => g.Root).Order(StringComparer.Ordinal));
        Assert.Equal(2, groups.Single(g => g.Root == "docs").Entries.Count);
    }

    [Fact]
    public void Group_SameFolderAtTwoTimes_TwoGroupsNewestFirst()
    {
        var groups = TrashGroups.Group([Entry("a", "docs/x", 0), Entry("b", "docs/y", 1), Entry("c", "docs/x", 60), Entry("d", "docs/y", 61)]);

        Assert.Equal(["d", "b"], groups.Select(g => g.Id));
        Assert.All(groups, g => Assert.Equal("docs", g.Root));
    }

    [Fact]
    public void Group_EntryWithoutPath_ItsOwnGroupWithNoRoot()
    {
        var groups = TrashGroups.Group([Entry("a", null, 0), Entry("b", null, 0.1)]);

        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.Null(g.Root));
    }
}
