using Psync.Engine.Index;
using Psync.Engine.Planning;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Planning;

/// <summary>The decision table, with an in-memory index: no agents, no clock.</summary>
public sealed class PlannerTests
{
    private static readonly FileState FileA = new(EntryKind.File, 10, 1_000, 0x1A4, 11, 1, null);
    private static readonly FileState FileA2 = FileA with { Size = 20, MtimeNs = 2_000 };
    private static readonly FileState FileB = new(EntryKind.File, 10, 1_000, 0x1A4, 22, 1, null);
    private static readonly FileState Dir = new(EntryKind.Directory, 0, 5, 0x1ED, 33, 1, null);
    private static readonly FileState Link = new(EntryKind.Symlink, 0, 5, 0x1FF, 44, 1, "target");

    private readonly Dictionary<string, IndexEntry> _index = new(StringComparer.Ordinal);

    private List<SyncAction> Plan(FileState? left, FileState? right, bool force = false, string path = "p")
    {
        var work = new PathWork(path)
        {
            Left = left is { } l ? new Observed(l, 1) : null,
            Right = right is { } r ? new Observed(r, 1) : null,
        };
        return Planner.Plan([work], p => _index.GetValueOrDefault(p), force);
    }

    private void Agreed(FileState left, FileState right) => _index["p"] = new IndexEntry("p", left, right);

    [Fact]
    public void Plan_EchoOfAgreedState_DoesNothing()
    {
        Agreed(FileA, FileB);

        Assert.Empty(Plan(FileA, FileB));
        Assert.Empty(Plan(null, FileB));
    }

    [Fact]
    public void Plan_NewFileOnLeft_TransfersToRightExpectingAbsent()
    {
        var action = Assert.IsType<TransferAction>(Assert.Single(Plan(FileA, null)));

        Assert.Equal((Side.Right, FileA, Expect.Absent), (action.Target, action.Source, action.Expect));
    }

    [Fact]
    public void Plan_ModifiedOnRight_TransfersToLeftExpectingAgreedLeft()
    {
        Agreed(FileA, FileB);

        var action = Assert.IsType<TransferAction>(Assert.Single(Plan(null, FileA2 with { Inode = 22 })));

        Assert.Equal(Side.Left, action.Target);
        Assert.Equal(Expect.Is(FileA), action.Expect);
    }

    [Fact]
    public void Plan_FileReplacedBySameContent_RecordsNewIdentityWithoutTransfer()
    {
        Agreed(FileA, FileB);

        var action = Assert.Single(Plan(FileA with { Inode = 99 }, null));

        Assert.Equal(99UL, Assert.IsType<AgreeAction>(action).Left.Inode); // nothing to send, the new identity is recorded
    }

    [Fact]
    public void Plan_ModeOnlyChange_CopiesTheMode()
    {
        Agreed(FileA, FileB);

        var action = Assert.IsType<AttrAction>(Assert.Single(Plan(FileA with { Mode = 0x1ED }, null)));

        Assert.Equal((Side.Right, 0x1EDu), (action.Target, action.Source.Mode));
    }

    [Fact]
    public void Plan_DeletedOnLeft_DeletesOnRightExpectingAgreedState()
    {
        Agreed(FileA, FileB);

        var action = Assert.IsType<DeleteAction>(Assert.Single(Plan(FileState.Absent, null)));

        Assert.Equal((Side.Right, Expect.Is(FileB), false), (action.Target, action.Expect, action.Recursive));
    }

    [Fact]
    public void Plan_DeleteOfUnknownPath_IsNeverPropagated()
    {
        Assert.Empty(Plan(FileState.Absent, null));
    }

    [Fact]
    public void Plan_DeletedDirectoryWithForce_DeletesRecursively()
    {
        Agreed(Dir, Dir);

        var action = Assert.IsType<DeleteAction>(Assert.Single(Plan(FileState.Absent, null, force: true)));

        Assert.True(action.Recursive);
    }

    [Fact]
    public void Plan_DeletedOnBothSides_ForgetsThePath()
    {
        Agreed(FileA, FileB);

        var action = Assert.IsType<AgreeAction>(Assert.Single(Plan(FileState.Absent, FileState.Absent)));

        Assert.False(action.Left.Exists || action.Right.Exists);
    }

    [Fact]
    public void Plan_ModifiedOnOneSideDeletedOnOther_ModificationWins()
    {
        Agreed(FileA, FileB);

        var action = Assert.IsType<TransferAction>(Assert.Single(Plan(FileA2, FileState.Absent)));

        Assert.Equal((Side.Right, Expect.Absent), (action.Target, action.Expect));
    }

    [Fact]
    public void Plan_BothModifiedDifferently_IsConflictNewerKeepsTheName()
    {
        Agreed(FileA, FileB);
        var left = FileA with { Size = 30, MtimeNs = 3_000 };
        var right = FileB with { Size = 40, MtimeNs = 4_000 };

        var action = Assert.IsType<ConflictAction>(Assert.Single(Plan(left, right)));

        Assert.Equal(Side.Left, action.Loser);
    }

    /// <summary>Found by the chaos run: two appends of equal length within one tick of a coarse clock look alike but differ.</summary>
    [Fact]
    public void Plan_BothChangedToTheSameSizeAndMtime_IsAConflictTheExecutorSettlesByHash()
    {
        Agreed(FileA, FileB);
        var left = FileA2 with { Inode = 11 };
        var right = FileA2 with { Inode = 22 };

        var action = Assert.IsType<ConflictAction>(Assert.Single(Plan(left, right)));

        Assert.Equal((left, right), (action.Left, action.Right));
    }

    [Fact]
    public void Plan_BothCreatedEqual_Agree()
    {
        var action = Assert.IsType<AgreeAction>(Assert.Single(Plan(FileA, FileB)));

        Assert.Equal((FileA, FileB), (action.Left, action.Right));
    }

    [Fact]
    public void Plan_DirectoryAgainstFile_TheFileLoses()
    {
        var action = Assert.IsType<ConflictAction>(Assert.Single(Plan(Dir, FileB)));

        Assert.Equal(Side.Right, action.Loser);
    }

    [Fact]
    public void Plan_NewDirectory_Mkdir()
    {
        var action = Assert.IsType<MkdirAction>(Assert.Single(Plan(null, Dir)));

        Assert.Equal(Side.Left, action.Target);
    }

    [Fact]
    public void Plan_FileBecameDirectory_DeleteThenMkdir()
    {
        Agreed(FileA, FileB);

        var plan = Plan(Dir, null);

        Assert.Collection(plan,
            a => Assert.Equal(Expect.Is(FileB), Assert.IsType<DeleteAction>(a).Expect),
            a => Assert.IsType<MkdirAction>(a));
    }

    [Fact]
    public void Plan_DirectoryBecameFile_DeleteThenTransferExpectingAbsent()
    {
        Agreed(Dir, Dir);

        var plan = Plan(FileA, null);

        Assert.Collection(plan,
            a => Assert.IsType<DeleteAction>(a),
            a => Assert.Equal(Expect.Absent, Assert.IsType<TransferAction>(a).Expect));
    }

    [Fact]
    public void Plan_DirectoryMtimeChangedByItsContents_IsNoChange()
    {
        Agreed(Dir, Dir);

        Assert.Empty(Plan(Dir with { MtimeNs = 999 }, null));
    }

    [Fact]
    public void Plan_NewSymlink_IsASymlinkNotACopyOfItsTarget()
    {
        var action = Assert.IsType<SymlinkAction>(Assert.Single(Plan(Link, null)));

        Assert.Equal("target", action.Source.LinkTarget);
    }

    [Fact]
    public void Plan_SpecialFile_IsSkipped()
    {
        Assert.IsType<SkipAction>(Assert.Single(Plan(FileA with { Kind = EntryKind.Other }, null)));
    }

    [Fact]
    public void Plan_FileLongerThanRsyncCanName_IsSkippedWithTheReason()
    {
        var longest = string.Join('/', Enumerable.Repeat(new string('x', 200), 25));

        var skip = Assert.IsType<SkipAction>(Assert.Single(Plan(FileA, null, path: longest)));
        Assert.Contains("PATH_MAX", skip.Reason);
        Assert.IsType<TransferAction>(Assert.Single(Plan(FileA, null, path: longest[..Psync.Engine.Transfer.Rsync.MaxPathBytes])));
        Assert.IsType<MkdirAction>(Assert.Single(Plan(Dir, null, path: longest)));
    }
}
