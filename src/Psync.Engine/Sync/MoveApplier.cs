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
    public async Task ApplyAsync(IReadOnlyList<MoveHint> moves, CancellationToken ct)
    {
        foreach (var move in moves)
        {
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
                ctx.Journal.Record("move", target, move.To, $"from {PathCodec.Display(move.From)}: dry run: not done");
                continue;
            }
            var result = await ctx.Agent(target).RunAsync(new MoveOp(move.From, move.To, expectFrom, expectTo), ct).ConfigureAwait(false);
            if (result.Status != OpStatus.Ok)
            {
                ctx.Journal.Record("changed", target, move.To, $"rename from {PathCodec.Display(move.From)} not applied ({result.Message}); syncing as copy and delete");
                continue;
            }
            ctx.Changes.NoteOwnWrite(target, move.From, result.Seq);
            ctx.Changes.NoteOwnWrite(target, move.To, result.Seq);
            using var tx = ctx.Index.Begin();
            ctx.Index.MoveTree(move.From, move.To);
            // If the moved file was also edited, keep its agreed state: the edit syncs as a change.
            var moved = move.State.SameContent(result.State) ? move.State : known;
            ctx.Index.Put(move.Side == Side.Left
                ? new IndexEntry(move.To, moved, result.State)
                : new IndexEntry(move.To, result.State, moved));
            tx.Commit();
            ctx.Journal.Record("move", target, move.To, $"renamed from {PathCodec.Display(move.From)}");
        }
    }
}
