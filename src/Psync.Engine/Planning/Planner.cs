using Psync.Engine.Index;
using Psync.Engine.Sync;
using Psync.Engine.Transfer;
using Psync.Protocol;

namespace Psync.Engine.Planning;

/// <summary>
/// The decision table. For each changed path it compares the newest state of each side with the
/// index (the last state both agreed on): one side changed → propagate it; both changed to the
/// same → agree; both changed differently → conflict (a modification beats a deletion); neither
/// changed → nothing, which is what suppresses the echo of every write of our own. In a one-way
/// <see cref="SyncMode"/> a change the right made on its own never reaches the left (see <see cref="PlanRightChange"/>).
/// </summary>
internal static class Planner
{
    public static List<SyncAction> Plan(IEnumerable<PathWork> paths, Func<string, IndexEntry?> index, bool force, SyncMode mode = SyncMode.TwoWay)
    {
        var plan = new List<SyncAction>();
        foreach (var work in paths)
        {
            PlanPath(work, index(work.Path), force, mode, plan);
        }
        return plan;
    }

    /// <summary>True when <paramref name="now"/> is not the agreed state (a replaced file counts, by inode).</summary>
    public static bool Differs(in FileState now, FileState? agreed) =>
        agreed is not { } known
            ? now.Exists
            : !(now.SameAttributes(known) && now.SameOwner(known) && (now.Kind != EntryKind.File || known.Inode == 0 || now.Inode == known.Inode));

    /// <summary>True when <paramref name="now"/> holds other content than <paramref name="known"/>, or is another file (by inode).</summary>
    private static bool ContentChanged(in FileState now, in FileState known) =>
        !now.SameContent(known) || (now.Kind == EntryKind.File && known.Inode != 0 && now.Inode != known.Inode);

    /// <summary>
    /// True when the owner or group of <paramref name="now"/> changed since both sides agreed (a
    /// chown). Only such a change is carried to the other side: owners that simply differ (a
    /// non-root agent on each host, with its own uid) stay as they are.
    /// </summary>
    private static bool OwnerChanged(in FileState now, FileState? agreed) =>
        agreed is { } known && now.Exists && !now.SameOwner(known);

    private static void PlanPath(PathWork work, IndexEntry? entry, bool force, SyncMode mode, List<SyncAction> plan)
    {
        var left = work.Left?.State ?? entry?.Left ?? FileState.Absent;
        var right = work.Right?.State ?? entry?.Right ?? FileState.Absent;
        if (left.Kind == EntryKind.Other || right.Kind == EntryKind.Other)
        {
            plan.Add(new SkipAction(work, "devices, FIFOs and sockets are not synced", OutOfSyncReason.SpecialFile));
            return;
        }
        var leftChanged = Differs(left, entry?.Left);
        var rightChanged = Differs(right, entry?.Right);
        if (!leftChanged && !rightChanged)
        {
            return;
        }
        if (rightChanged && mode != SyncMode.TwoWay)
        {
            PlanRightChange(work, entry, left, right, leftChanged, force, mode, plan);
            return;
        }
        if (leftChanged != rightChanged)
        {
            var source = leftChanged ? Side.Left : Side.Right;
            Propagate(work, entry, source, leftChanged ? left : right, leftChanged ? right : left, force, plan);
            return;
        }
        // Both changed.
        if (entry is not null && !ContentChanged(left, entry.Left) && !ContentChanged(right, entry.Right))
        {
            // Only attributes (mode, owner) changed, on both sides.
            plan.Add(BothChangedAttributes(work, entry, left, right));
        }
        else if (left.SameContent(right) && left.Kind == EntryKind.File && entry is not null)
        {
            // Both files changed since they last agreed, to the same size and mtime: two writes within
            // one tick of the file system's clock, or a tool that sets mtimes, can still leave other
            // bytes. The executor compares their hashes: equal is agreement, unequal a conflict.
            plan.Add(new ConflictAction(work, left, right, Loser(left, right)));
        }
        else if (left.SameAttributes(right) && !OwnerChanged(left, entry?.Left) && !OwnerChanged(right, entry?.Right))
        {
            plan.Add(new AgreeAction(work, left, right));
        }
        else if (!left.Exists || !right.Exists)
        {
            // A modification beats a deletion: bring the surviving version back.
            var source = left.Exists ? Side.Left : Side.Right;
            Propagate(work, entry, source, left.Exists ? left : right, FileState.Absent, force, plan);
        }
        else if (left.SameContent(right))
        {
            plan.Add(BothChangedAttributes(work, entry, left, right));
        }
        else
        {
            plan.Add(new ConflictAction(work, left, right, Loser(left, right)));
        }
    }

    /// <summary>
    /// Same content, other mode or owner on the two sides, both changed: the newer change (by
    /// ctime) wins, nothing to lose, and the event log says what the other side had. A symlink has
    /// neither; two directories whose modes differ (and no owner changed) just agree, as before.
    /// </summary>
    private static SyncAction BothChangedAttributes(PathWork work, IndexEntry? entry, in FileState left, in FileState right)
    {
        var ownerChanged = OwnerChanged(left, entry?.Left) || OwnerChanged(right, entry?.Right);
        if ((left.SameAttributes(right) && (!ownerChanged || left.SameOwner(right))) || left.Kind == EntryKind.Symlink || (left.Kind == EntryKind.Directory && !ownerChanged && left.XattrHash == right.XattrHash))
        {
            return new AgreeAction(work, left, right);
        }
        var (winner, loser) = right.CtimeNs > left.CtimeNs ? (Side.Right, Side.Left) : (Side.Left, Side.Right);
        var (won, lost) = winner == Side.Left ? (left, right) : (right, left);
        var why = $"both sides changed its attributes: the {winner.Name()} ones (newer) win; the {loser.Name()} had mode {Convert.ToString(lost.Mode & 0xFFF, 8)}, owner {lost.Uid}:{lost.Gid}";
        return new AttrAction(work, loser, won, Expect.Is(lost), Owner: ownerChanged && !won.SameOwner(lost), why);
    }

    /// <summary>
    /// A one-way mode, and the right changed the path on its own (the left may have too): nothing
    /// flows to the left. A right-side delete is undone from the left. Otherwise one-way-safe keeps
    /// the right's version: where it is, listed as a conflict, or, when the left's changed version
    /// takes the name, as a conflict copy on the right. Mirror makes the right the left again: what
    /// the right had goes to its trash (a delete, or the agent's replace), listed as reverted.
    /// </summary>
    private static void PlanRightChange(PathWork work, IndexEntry? entry, in FileState left, in FileState right, bool leftChanged, bool force, SyncMode mode, List<SyncAction> plan)
    {
        if (!right.Exists)
        {
            if (!leftChanged && left.Exists)
            {
                plan.Add(new DivergedAction(work, left, right, Kept: false));
            }
            Propagate(work, entry, Side.Left, left, right, force, plan);
            return;
        }
        if (leftChanged && left.SameContent(right) && left.Kind == EntryKind.File && entry is not null)
        {
            // As in two-way: the executor compares the hashes; equal agrees (the right takes the
            // left's attributes), unequal keeps the right's version as a copy (which mirror then trashes).
            plan.Add(new ConflictAction(work, left, right, Side.Right));
            return;
        }
        if (left.SameAttributes(right))
        {
            plan.Add(new AgreeAction(work, left, right));
            return;
        }
        if (mode == SyncMode.Mirror)
        {
            plan.Add(new DivergedAction(work, left, right, Kept: false));
            if (left.Exists)
            {
                Propagate(work, entry, Side.Left, left, right, force, plan);
            }
            else
            {
                // Only the right has the path: it goes to the trash, a directory with all it holds.
                plan.Add(new DeleteAction(work, Side.Right, Expect.Is(right), Recursive: force || right.Kind == EntryKind.Directory));
            }
            return;
        }
        if (!leftChanged || !left.Exists)
        {
            plan.Add(new DivergedAction(work, left, right, Kept: true));
        }
        else if (left.SameContent(right))
        {
            // Same content, other permissions (or two directories): the left mode wins, nothing to lose.
            plan.Add(left.Kind == EntryKind.Directory || left.Kind == EntryKind.Symlink
                ? new AgreeAction(work, left, right)
                : new AttrAction(work, Side.Right, left, Expect.Is(right)));
        }
        else
        {
            plan.Add(new ConflictAction(work, left, right, Side.Right));
        }
    }

    /// <summary>The newer version keeps the name; a directory always keeps it (renaming a tree away helps nobody); on a tie the right loses.</summary>
    private static Side Loser(in FileState left, in FileState right)
    {
        if (left.Kind == EntryKind.Directory)
        {
            return Side.Right;
        }
        if (right.Kind == EntryKind.Directory)
        {
            return Side.Left;
        }
        return left.MtimeNs >= right.MtimeNs ? Side.Right : Side.Left;
    }

    private static void Propagate(PathWork work, IndexEntry? entry, Side from, FileState source, FileState target, bool force, List<SyncAction> plan)
    {
        var to = from.Other();
        var expect = Expect.Is(target);
        var owner = OwnerChanged(source, from == Side.Left ? entry?.Left : entry?.Right) && !source.SameOwner(target);
        switch (source.Kind)
        {
            case EntryKind.Absent:
                if (entry is null)
                {
                    return; // never propagate the delete of a path whose state we never knew
                }
                if (!target.Exists)
                {
                    plan.Add(new AgreeAction(work, FileState.Absent, FileState.Absent));
                    return;
                }
                plan.Add(new DeleteAction(work, to, expect, Recursive: force));
                return;
            case EntryKind.Directory:
                if (target.Kind == EntryKind.Directory)
                {
                    plan.Add(source.SameAttributes(target) && !owner
                        ? new AgreeAction(work, Pick(from, source, target, Side.Left), Pick(from, source, target, Side.Right))
                        : new AttrAction(work, to, source, expect, owner));
                    return;
                }
                if (target.Exists)
                {
                    plan.Add(new DeleteAction(work, to, expect, Recursive: false));
                }
                plan.Add(new MkdirAction(work, to, source));
                return;
            case EntryKind.File:
                if (PathCodec.Encode(work.Path).Length is var bytes && bytes > Rsync.MaxPathBytes)
                {
                    // rsync would fail on it at every attempt and keep the pair busy: say why once per plan instead.
                    plan.Add(new SkipAction(work, $"not synced: the path is {bytes} bytes, longer than rsync can name (PATH_MAX 4096)", OutOfSyncReason.NameTooLong));
                    return;
                }
                if (target.Kind == EntryKind.Directory)
                {
                    plan.Add(new DeleteAction(work, to, expect, Recursive: force));
                    expect = Expect.Absent;
                }
                else if (target.Kind == EntryKind.File && source.SameContent(target))
                {
                    plan.Add(source.SameAttributes(target) && !owner
                        ? new AgreeAction(work, Pick(from, source, target, Side.Left), Pick(from, source, target, Side.Right))
                        : new AttrAction(work, to, source, expect, owner));
                    return;
                }
                plan.Add(new TransferAction(work, to, source, expect));
                return;
            case EntryKind.Symlink:
                if (target.Kind == EntryKind.Directory)
                {
                    plan.Add(new DeleteAction(work, to, expect, Recursive: force));
                    expect = Expect.Absent;
                }
                else if (target.Kind == EntryKind.Symlink && source.LinkTarget == target.LinkTarget)
                {
                    plan.Add(new AgreeAction(work, Pick(from, source, target, Side.Left), Pick(from, source, target, Side.Right)));
                    return;
                }
                plan.Add(new SymlinkAction(work, to, source, expect));
                return;
        }
    }

    private static FileState Pick(Side from, in FileState source, in FileState target, Side want) => from == want ? source : target;
}
