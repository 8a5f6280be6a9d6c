using Psync.Engine.Index;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// Applies a rename seen on one side as one rename on the other (no data sent, a whole
/// directory at once) when the index shows it is the same object (same inode) and the other
/// side still has it as agreed. Otherwise it does nothing: the paths involved were reported as
/// plain changes too, and sync as a copy and a delete.
/// </summary>
internal sealed class MoveApplier(PairContext ctx)
{
    /// <remarks>What the other side reported below a moved directory, in <paramref name="paths"/>, moves along.</remarks>
    public async Task ApplyAsync(IReadOnlyList<MoveHint> moves, IReadOnlyList<PathWork> paths, CancellationToken ct)
    {
        foreach (var move in moves)
        {
            if (move.State.Kind == EntryKind.Directory)
            {
                // Files written just before the rename were reported under the old name, maybe
                // while a batch was taking them: the new place is checked as a whole afterwards.
                // So is the old place: what the other side changed there meanwhile, or renamed into
                // it in the same plan, has no event left to report it (both found by the chaos run).
                ctx.Reconcile.RequestSubtree(move.To);
                ctx.Reconcile.RequestSubtree(move.From);
            }
            if (move.Side == Side.Right && ctx.Options.Mode != SyncMode.TwoWay)
            {
                continue; // nothing flows to the left: the planner sees a delete and a create
            }
            var entry = ctx.Index.Get(move.From);
            if (entry is null || move.From == move.To)
            {
                continue;
            }
            var known = move.Side == Side.Left ? entry.Left : entry.Right;
            if (known.Kind != move.State.Kind || known.Inode != move.State.Inode)
            {
                continue; // not the object we knew
            }
            var target = move.Side.Other();
            var toEntry = ctx.Index.Get(move.To);
            var expectTo = toEntry is null ? Expect.Absent : Expect.Is(target == Side.Left ? toEntry.Left : toEntry.Right);
            var expectFrom = Expect.Is(target == Side.Left ? entry.Left : entry.Right);
            if (ctx.Options.DryRun)
            {
                ctx.Journal.Record(EventKind.Move, target, move.To, $"from {PathCodec.Display(move.From)}: dry run: not done");
                continue;
            }
            var result = await ctx.Agent(target).RunAsync(new MoveOp(move.From, move.To, expectFrom, expectTo), ct).ConfigureAwait(false);
            if (result.Status != OpStatus.Ok)
            {
                ctx.Journal.Record(EventKind.Changed, target, move.To, $"rename from {PathCodec.Display(move.From)} not applied ({result.Message}); syncing as copy and delete");
                continue;
            }
            ctx.Changes.NoteOwnWrite(target, move.From, result.Seq);
            ctx.Changes.NoteOwnWrite(target, move.To, result.Seq);
            using (var tx = ctx.Index.Begin())
            {
                ctx.Index.MoveTree(move.From, move.To);
                // The agreed states move along, with the moved object's new identity: anything
                // else that changed with the rename (content, mode) is still a difference to sync.
                var moved = known with { Inode = move.State.Inode, CtimeNs = move.State.CtimeNs };
                var other = (target == Side.Left ? entry.Left : entry.Right) with { Inode = result.State.Inode, CtimeNs = result.State.CtimeNs };
                ctx.Index.Put(move.Side == Side.Left ? new IndexEntry(move.To, moved, other) : new IndexEntry(move.To, other, moved));
                tx.Commit();
            }
            foreach (var work in paths)
            {
                if (work.Get(target) is not { } seen)
                {
                    continue;
                }
                if (work.Path.Length > move.From.Length && PathOrder.IsSameOrBelow(work.Path, move.From))
                {
                    // What the target side reported below the old name was moved along with it.
                    work.Set(target, null);
                    ctx.Changes.Report(target, move.To + work.Path[move.From.Length..], seen.State, seen.Seq);
                }
                else if ((work.Path == move.From || PathOrder.IsSameOrBelow(work.Path, move.To)) && seen.Seq < result.Seq)
                {
                    // Read before our rename (a scan's "absent" at the new name): superseded by it.
                    work.Set(target, null);
                }
            }
            ctx.Journal.RecordApplied(EventKind.Move, target, move.To, $"renamed from {PathCodec.Display(move.From)}");
        }
    }
}
