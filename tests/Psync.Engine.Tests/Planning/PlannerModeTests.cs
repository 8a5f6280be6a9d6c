using Psync.Engine.Index;
using Psync.Engine.Planning;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Planning;

/// <summary>The decision table per <see cref="SyncMode"/>: each case is a change on one or both sides and the plan it gets.</summary>
public sealed class PlannerModeTests
{
    private static readonly FileState Agreed = new(EntryKind.File, 10, 1_000, 0x1A4, 11, 1, null);
    private static readonly FileState AgreedRight = Agreed with { Inode = 22 };
    private static readonly FileState LeftEdit = Agreed with { Size = 30, MtimeNs = 3_000 };
    private static readonly FileState RightEdit = AgreedRight with { Size = 40, MtimeNs = 4_000 };
    private static readonly FileState RightDir = new(EntryKind.Directory, 0, 5, 0x1ED, 33, 1, null);

    /// <summary>Case name → (index entry or none, left observed, right observed); null means "not reported".</summary>
    private static readonly Dictionary<string, (bool Indexed, FileState? Left, FileState? Right)> Cases = new()
    {
        ["left-create"] = (false, Agreed, null),
        ["left-edit"] = (true, LeftEdit, null),
        ["left-delete"] = (true, FileState.Absent, null),
        ["right-create"] = (false, null, RightEdit),
        ["right-mkdir"] = (false, null, RightDir),
        ["right-edit"] = (true, null, RightEdit),
        ["right-chmod"] = (true, null, AgreedRight with { Mode = 0x1ED }),
        ["right-delete"] = (true, null, FileState.Absent),
        ["both-edit"] = (true, LeftEdit, RightEdit),
        ["both-create"] = (false, LeftEdit, RightEdit),
        ["left-delete-right-edit"] = (true, FileState.Absent, RightEdit),
        ["left-edit-right-delete"] = (true, LeftEdit, FileState.Absent),
    };

    private static List<SyncAction> Plan(SyncMode mode, string name)
    {
        var (indexed, left, right) = Cases[name];
        var work = new PathWork("p")
        {
            Left = left is { } l ? new Observed(l, 1) : null,
            Right = right is { } r ? new Observed(r, 1) : null,
        };
        var entry = indexed ? new IndexEntry("p", Agreed, AgreedRight) : null;
        return Planner.Plan([work], _ => entry, force: false, mode);
    }

    private static string Describe(SyncAction action) => action switch
    {
        TransferAction t => $"transfer {t.Target.Name()}",
        DeleteAction d => $"delete {d.Target.Name()}{(d.Recursive ? " recursive" : "")}",
        AttrAction a => $"attr {a.Target.Name()}",
        MkdirAction m => $"mkdir {m.Target.Name()}",
        ConflictAction c => $"conflict, {c.Loser.Name()} copy",
        DivergedAction { Kept: true } => "kept",
        DivergedAction => "reverted",
        AgreeAction => "agree",
        _ => action.GetType().Name,
    };

    [Theory]
    [InlineData(SyncMode.TwoWay, "left-create", "transfer right")]
    [InlineData(SyncMode.TwoWay, "left-edit", "transfer right")]
    [InlineData(SyncMode.TwoWay, "left-delete", "delete right")]
    [InlineData(SyncMode.TwoWay, "right-create", "transfer left")]
    [InlineData(SyncMode.TwoWay, "right-mkdir", "mkdir left")]
    [InlineData(SyncMode.TwoWay, "right-edit", "transfer left")]
    [InlineData(SyncMode.TwoWay, "right-chmod", "attr left")]
    [InlineData(SyncMode.TwoWay, "right-delete", "delete left")]
    [InlineData(SyncMode.TwoWay, "both-edit", "conflict, left copy")]
    [InlineData(SyncMode.TwoWay, "both-create", "conflict, left copy")]
    [InlineData(SyncMode.TwoWay, "left-delete-right-edit", "transfer left")]
    [InlineData(SyncMode.TwoWay, "left-edit-right-delete", "transfer right")]
    [InlineData(SyncMode.OneWaySafe, "left-create", "transfer right")]
    [InlineData(SyncMode.OneWaySafe, "left-edit", "transfer right")]
    [InlineData(SyncMode.OneWaySafe, "left-delete", "delete right")]
    [InlineData(SyncMode.OneWaySafe, "right-create", "kept")]
    [InlineData(SyncMode.OneWaySafe, "right-mkdir", "kept")]
    [InlineData(SyncMode.OneWaySafe, "right-edit", "kept")]
    [InlineData(SyncMode.OneWaySafe, "right-chmod", "kept")]
    [InlineData(SyncMode.OneWaySafe, "right-delete", "reverted; transfer right")]
    [InlineData(SyncMode.OneWaySafe, "both-edit", "conflict, right copy")]
    [InlineData(SyncMode.OneWaySafe, "both-create", "conflict, right copy")]
    [InlineData(SyncMode.OneWaySafe, "left-delete-right-edit", "kept")]
    [InlineData(SyncMode.OneWaySafe, "left-edit-right-delete", "transfer right")]
    [InlineData(SyncMode.Mirror, "left-create", "transfer right")]
    [InlineData(SyncMode.Mirror, "left-edit", "transfer right")]
    [InlineData(SyncMode.Mirror, "left-delete", "delete right")]
    [InlineData(SyncMode.Mirror, "right-create", "reverted; delete right")]
    [InlineData(SyncMode.Mirror, "right-mkdir", "reverted; delete right recursive")]
    [InlineData(SyncMode.Mirror, "right-edit", "reverted; transfer right")]
    [InlineData(SyncMode.Mirror, "right-chmod", "reverted; attr right")]
    [InlineData(SyncMode.Mirror, "right-delete", "reverted; transfer right")]
    [InlineData(SyncMode.Mirror, "both-edit", "reverted; transfer right")]
    [InlineData(SyncMode.Mirror, "both-create", "reverted; transfer right")]
    [InlineData(SyncMode.Mirror, "left-delete-right-edit", "reverted; delete right")]
    [InlineData(SyncMode.Mirror, "left-edit-right-delete", "transfer right")]
    public void Plan_ModeAndChange_PlansTheModesActions(SyncMode mode, string change, string expected)
    {
        var plan = Plan(mode, change);

        Assert.Equal(expected, string.Join("; ", plan.Select(Describe)));
    }

    [Theory]
    [InlineData(SyncMode.OneWaySafe)]
    [InlineData(SyncMode.Mirror)]
    public void Plan_OneWayMode_NeverChangesTheLeft(SyncMode mode)
    {
        foreach (var change in Cases.Keys)
        {
            var plan = Plan(mode, change);

            Assert.All(plan, a => Assert.NotEqual(Side.Left, a is ConflictAction ? Side.Right : a.TargetOf()));
        }
    }

    /// <summary>Every delete or overwrite on the right names the version it expects there: the agent moves exactly that one to the trash, or refuses.</summary>
    [Fact]
    public void Plan_Mirror_NeverDeletesOrOverwritesWithoutTheTrash()
    {
        foreach (var change in Cases.Keys)
        {
            var right = Cases[change].Right ?? (Cases[change].Indexed ? AgreedRight : FileState.Absent);

            foreach (var action in Plan(SyncMode.Mirror, change))
            {
                var expect = action switch
                {
                    TransferAction t => t.Expect,
                    DeleteAction d => d.Expect,
                    AttrAction a => a.Expect,
                    _ => Expect.Is(right),
                };
                Assert.True(expect.Check, change);
                Assert.Equal(right, expect.State);
            }
        }
    }

    [Fact]
    public void Plan_OneWaySafe_NeverOverwritesARightSideEdit()
    {
        foreach (var change in Cases.Keys.Where(c => Cases[c].Right is { Exists: true }))
        {
            var plan = Plan(SyncMode.OneWaySafe, change);

            // The right's version stays at its name (kept) or is first renamed to a conflict copy on the right.
            Assert.DoesNotContain(plan, a => a is TransferAction or DeleteAction or MkdirAction or SymlinkAction);
            Assert.All(plan.OfType<ConflictAction>(), c => Assert.Equal(Side.Right, c.Loser));
        }
    }

    [Fact]
    public void Plan_OneWaySafeAfterTheConflictCopy_BringsTheLeftsVersionToTheName()
    {
        // What the conflict copier reports back: the right's version moved away, the left's edit pending.
        var work = new PathWork("p") { Left = new Observed(LeftEdit, 1), Right = new Observed(FileState.Absent, 2) };

        var plan = Planner.Plan([work], _ => new IndexEntry("p", Agreed, AgreedRight), force: false, SyncMode.OneWaySafe);

        var transfer = Assert.IsType<TransferAction>(Assert.Single(plan));
        Assert.Equal((Side.Right, Expect.Absent), (transfer.Target, transfer.Expect));
    }
}
