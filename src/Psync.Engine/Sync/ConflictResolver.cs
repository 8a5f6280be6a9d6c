using Psync.Engine.Index;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// Settles a recorded conflict. Keeping the version that already has the name removes the
/// conflict copy on both sides (to the trash); keeping the other version moves the copy back
/// over the name on both sides (the displaced version goes to the trash). Keeping both only marks
/// it resolved. Nothing is unlinked, so a wrong choice can be undone from the trash.
/// </summary>
internal sealed class ConflictResolver(PairContext ctx)
{
    public async Task ResolveAsync(long id, ConflictResolution resolution, CancellationToken ct)
    {
        var conflict = ctx.Journal.Conflicts.FirstOrDefault(c => c.Id == id)
            ?? throw new ArgumentException($"no conflict {id}");
        if (resolution != ConflictResolution.KeepBoth && ctx.Options.Mode != SyncMode.TwoWay
            && (conflict.ConflictCopy == conflict.Path || ctx.Index.Get(conflict.ConflictCopy) is null))
        {
            await ResolveOnRightAsync(conflict, resolution, ct).ConfigureAwait(false);
        }
        else if (resolution != ConflictResolution.KeepBoth)
        {
            var keep = resolution == ConflictResolution.KeepLeft ? Side.Left : Side.Right;
            var copy = ctx.Index.Get(conflict.ConflictCopy)
                ?? throw new InvalidOperationException($"the conflict copy {PathCodec.Display(conflict.ConflictCopy)} is not in sync yet; try again when the pair is idle");
            var name = ctx.Index.Get(conflict.Path);
            if (keep == conflict.Loser)
            {
                await MoveBackAsync(conflict, copy, name, ct).ConfigureAwait(false);
            }
            else
            {
                await DeleteCopyAsync(copy, ct).ConfigureAwait(false);
            }
        }
        ctx.Journal.Record(EventKind.Resolved, null, conflict.Path, $"conflict {id}: {resolution}");
        ctx.Journal.MarkResolved(id); // last: whoever sees it resolved also finds its event
    }

    /// <summary>
    /// A one-way mode's conflict lives on the right only: the right's version kept at its name or
    /// as a copy. Keeping the left's moves the right's to its trash (the left's version, if any,
    /// then comes back as after any right-side delete); keeping the right's puts the copy back over
    /// the name (the displaced version goes to the trash), where it stays as the right's own.
    /// </summary>
    private async Task ResolveOnRightAsync(ConflictRecord conflict, ConflictResolution resolution, CancellationToken ct)
    {
        var right = ctx.Agent(Side.Right);
        if (resolution == ConflictResolution.KeepLeft)
        {
            var result = await right.RunAsync(new DeleteOp(conflict.ConflictCopy, Expect.Is(conflict.Right), Recursive: false), ct).ConfigureAwait(false);
            Check(result, conflict.ConflictCopy);
            ctx.Changes.NoteOwnWrite(Side.Right, conflict.ConflictCopy, result.Seq);
            ctx.Changes.Report(Side.Right, conflict.ConflictCopy, FileState.Absent, result.Seq);
        }
        else if (conflict.ConflictCopy != conflict.Path)
        {
            var name = ctx.Index.Get(conflict.Path);
            var result = await right.RunAsync(new MoveOp(conflict.ConflictCopy, conflict.Path, Expect.Is(conflict.Right), name is null ? Expect.Absent : Expect.Is(name.Right)), ct).ConfigureAwait(false);
            Check(result, conflict.Path);
            ctx.Changes.NoteOwnWrite(Side.Right, conflict.Path, result.Seq);
            ctx.Changes.Report(Side.Right, conflict.ConflictCopy, FileState.Absent, result.Seq);
            ctx.Changes.Report(Side.Right, conflict.Path, result.State, result.Seq);
        }
    }

    private async Task DeleteCopyAsync(IndexEntry copy, CancellationToken ct)
    {
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var state = side == Side.Left ? copy.Left : copy.Right;
            var result = await ctx.Agent(side).RunAsync(new DeleteOp(copy.Path, Expect.Is(state), Recursive: false), ct).ConfigureAwait(false);
            Check(result, copy.Path);
            ctx.Changes.NoteOwnWrite(side, copy.Path, result.Seq);
        }
        ctx.Index.RemoveTree(copy.Path);
    }

    private async Task MoveBackAsync(ConflictRecord conflict, IndexEntry copy, IndexEntry? name, CancellationToken ct)
    {
        var states = new FileState[2];
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var from = side == Side.Left ? copy.Left : copy.Right;
            var to = name is null ? Expect.Absent : Expect.Is(side == Side.Left ? name.Left : name.Right);
            var result = await ctx.Agent(side).RunAsync(new MoveOp(copy.Path, conflict.Path, Expect.Is(from), to), ct).ConfigureAwait(false);
            Check(result, conflict.Path);
            ctx.Changes.NoteOwnWrite(side, copy.Path, result.Seq);
            ctx.Changes.NoteOwnWrite(side, conflict.Path, result.Seq);
            states[(int)side] = result.State;
        }
        ctx.Index.RemoveTree(copy.Path);
        if (IndexEntry.Agreement(conflict.Path, states[0], states[1]) is { } entry)
        {
            ctx.Index.Put(entry);
        }
        else
        {
            ctx.Index.RemoveTree(conflict.Path);
            ctx.Reconcile.RequestWhole($"{PathCodec.Display(conflict.Path)} changed while its conflict was resolved");
        }
    }

    private static void Check(OpResult result, string path)
    {
        if (result.Status != OpStatus.Ok)
        {
            throw new InvalidOperationException($"{PathCodec.Display(path)} changed meanwhile ({result.Message}); nothing more was done");
        }
    }
}
