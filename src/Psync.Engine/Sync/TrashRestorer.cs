using Psync.Engine.Planning;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// Puts a version from one side's trash back into that side's tree. The agent renames it back
/// without replacing anything; where its name is taken, it goes beside it as
/// <c>name.psync-restored-YYYYMMDD-HHMMSS.ext</c> (the time of the restore). The restored path is
/// then a person's creation on that side, not an echo of our own write: it is reported as a change
/// (and never noted with <see cref="ChangeSet.NoteOwnWrite"/>), so it syncs to the other side like
/// any new file.
/// </summary>
internal sealed class TrashRestorer(PairContext ctx)
{
    private const int MaxRenames = 10;

    /// <exception cref="InvalidOperationException">The agent refused (no such entry, a bad id, no recorded path, a dry run).</exception>
    public async Task<RestoreResult> RestoreAsync(Side side, string trashId, CancellationToken ct)
    {
        if (ctx.Options.DryRun)
        {
            throw new InvalidOperationException("the pair runs as a dry run, which changes nothing: nothing restored");
        }
        var agent = ctx.Agent(side);
        var result = await agent.RunAsync(new RestoreOp(trashId), ct).ConfigureAwait(false);
        var original = result.Data;
        for (var attempt = 0; result.Status == OpStatus.Conflict && original is not null && attempt < MaxRenames; attempt++)
        {
            var beside = ConflictNames.Restored(original, ctx.Clock.GetUtcNow(), attempt);
            result = await agent.RunAsync(new RestoreOp(trashId, beside), ct).ConfigureAwait(false);
        }
        if (result.Status != OpStatus.Ok || original is null || result.Data is not { } path)
        {
            throw new InvalidOperationException($"{PathCodec.Display(trashId)} cannot be restored on the {side.Name()} side: {result.Message}");
        }
        ctx.Changes.Report(side, path, result.State, result.Seq);
        var top = TopmostUnknown(path);
        if (top != path || result.State.Kind == EntryKind.Directory)
        {
            // What a restored directory holds, and parents the agent had to make, no one event describes.
            ctx.Reconcile.RequestSubtree(top);
        }
        ctx.Journal.Record(EventKind.Restore, side, path, path == original
            ? $"from the trash ({trashId})"
            : $"from the trash ({trashId}); {PathCodec.Display(original)} exists, so restored beside it");
        return new RestoreResult(side, trashId, original, path, result.State);
    }

    /// <summary>The highest of <paramref name="path"/> and its parents that the index does not know (the path itself when all parents are known).</summary>
    private string TopmostUnknown(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            if (ctx.Index.Get(path[..slash]) is null)
            {
                return path[..slash];
            }
        }
        return path;
    }
}
