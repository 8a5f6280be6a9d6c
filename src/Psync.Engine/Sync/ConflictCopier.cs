using Psync.Engine.Planning;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// The first phase of a plan: both sides changed a path. Unless both hold the same bytes, the
/// losing version is renamed to its conflict copy (compare-and-swap), both versions then sync as
/// two files, and the conflict is recorded for a person to settle.
/// </summary>
internal sealed class ConflictCopier(PairContext ctx, ResultHandler results)
{
    /// <summary>How many copy names are tried when the first ones are taken.</summary>
    private const int CopyNames = 10;

    public async Task CopyAsync(ConflictAction conflict, CancellationToken ct)
    {
        if (await SameContentAsync(conflict, ct).ConfigureAwait(false))
        {
            return;
        }
        if (ctx.Options.Mode == SyncMode.TwoWay && conflict.Left.Kind != EntryKind.Directory && conflict.Right.Kind != EntryKind.Directory
            && ctx.Options.Conflicts.Loser(conflict.Left.MtimeNs, conflict.Right.MtimeNs) is { } byPolicy)
        {
            await SettleByPolicyAsync(conflict, byPolicy, ct).ConfigureAwait(false);
            return;
        }
        var loser = conflict.Loser;
        var loserState = loser == Side.Left ? conflict.Left : conflict.Right;
        var now = ctx.Clock.GetUtcNow();
        for (var attempt = 0; attempt < CopyNames; attempt++)
        {
            var copy = ConflictNames.For(conflict.Path, loser, now, attempt);
            var result = await ctx.Agent(loser).RunAsync(new MoveOp(conflict.Path, copy, Expect.Is(loserState), Expect.Absent), ct).ConfigureAwait(false);
            if (result.Status == OpStatus.Ok)
            {
                // Both versions live on: the winner's observation goes back in, the loser's name is now free.
                ctx.Changes.Requeue(conflict.Work, TimeSpan.Zero);
                ctx.Changes.NoteOwnWrite(loser, conflict.Path, result.Seq);
                ctx.Changes.Report(loser, conflict.Path, FileState.Absent, result.Seq);
                ctx.Changes.Report(loser, copy, result.State, result.Seq);
                ctx.Journal.AddConflict(conflict.Path, conflict.Left, conflict.Right, loser, copy);
                ctx.Journal.Record(EventKind.Conflict, loser, conflict.Path, $"both sides changed; the {loser.Name()} version is kept as {PathCodec.Display(copy)}");
                return;
            }
            if (result is { Status: OpStatus.Conflict, Reason: OpReason.TargetChanged })
            {
                continue; // that copy name is taken: try the next
            }
            results.Handle(loser, conflict, result, (_, _) => { }, TimeSpan.Zero);
            return;
        }
    }

    /// <summary>
    /// The pair's <see cref="PairOptions.Conflicts"/> policy settles it at once: the losing version
    /// goes to its side's trash (compare-and-swap), the winner then syncs over the freed name as after
    /// any delete beaten by a modification, and the conflict is listed as resolved by the policy.
    /// </summary>
    private async Task SettleByPolicyAsync(ConflictAction conflict, Side loser, CancellationToken ct)
    {
        var loserState = loser == Side.Left ? conflict.Left : conflict.Right;
        var result = await ctx.Agent(loser).RunAsync(new DeleteOp(conflict.Path, Expect.Is(loserState), Recursive: false), ct).ConfigureAwait(false);
        if (result.Status != OpStatus.Ok)
        {
            results.Handle(loser, conflict, result, (_, _) => { }, TimeSpan.Zero);
            return;
        }
        ctx.Changes.Requeue(conflict.Work, TimeSpan.Zero);
        ctx.Changes.NoteOwnWrite(loser, conflict.Path, result.Seq);
        ctx.Changes.Report(loser, conflict.Path, FileState.Absent, result.Seq);
        var policy = ctx.Options.Conflicts.Name();
        var record = ctx.Journal.AddConflict(conflict.Path, conflict.Left, conflict.Right, loser, ConflictRecord.InTrash);
        ctx.Journal.Record(EventKind.Conflict, loser, conflict.Path, $"both sides changed; the {loser.Name()} version went to the {loser.Name()} trash (conflict policy: {policy})");
        ctx.Journal.Record(EventKind.Resolved, loser, conflict.Path, $"conflict {record.Id}: the {loser.Other().Name()} version wins by the pair's conflict policy ({policy})");
        ctx.Journal.MarkResolved(record.Id); // last: whoever sees it resolved also finds its events
    }

    /// <summary>
    /// Two files of the same size may hold the same bytes with other mtimes (a tree copied
    /// without exact times): that is no conflict. If the hashes match, the newer one takes the
    /// older one's mtime and mode, and both sides agree.
    /// </summary>
    private async Task<bool> SameContentAsync(ConflictAction conflict, CancellationToken ct)
    {
        var (left, right) = (conflict.Left, conflict.Right);
        if (left.Kind != EntryKind.File || right.Kind != EntryKind.File || left.Size != right.Size)
        {
            return false;
        }
        var hashes = await Task.WhenAll(
            ctx.Agent(Side.Left).RunAsync(new HashOp(conflict.Path), ct),
            ctx.Agent(Side.Right).RunAsync(new HashOp(conflict.Path), ct)).ConfigureAwait(false);
        if (hashes.Any(h => h.Status != OpStatus.Ok || !h.State.SameContent(h == hashes[0] ? left : right)) || hashes[0].Data != hashes[1].Data)
        {
            return false;
        }
        // In a one-way mode nothing flows to the left: the right takes the left's mtime and mode.
        var (older, newer) = ctx.Options.Mode != SyncMode.TwoWay || left.MtimeNs <= right.MtimeNs ? (Side.Left, Side.Right) : (Side.Right, Side.Left);
        var source = older == Side.Left ? left : right;
        var result = await ctx.Agent(newer).RunAsync(new SetAttrOp(conflict.Path, Expect.Is(newer == Side.Left ? left : right), source.Mode, source.MtimeNs), ct).ConfigureAwait(false);
        results.Handle(newer, conflict, result, (a, r) => results.Agreed(a, source, newer, r, EventKind.Attr), TimeSpan.Zero);
        return true;
    }
}
