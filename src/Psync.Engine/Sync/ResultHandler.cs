using Psync.Engine.Index;
using Psync.Engine.Planning;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// What an agent's answer to a planned operation means for the pair: applied (the index records
/// the new agreement), not as expected (plan the path again with what is really there), or failed
/// (retry later, ever less often, never giving up). Every phase of the <see cref="Executor"/> ends here.
/// </summary>
internal sealed class ResultHandler(PairContext ctx)
{
    /// <summary>The longest wait between two attempts at a path that keeps failing (a full disk, an unreadable file).</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>The wait before attempt <paramref name="failures"/> + 1: 1 s, 2 s, 4 s … up to <see cref="MaxRetryDelay"/>, never "give up".</summary>
    internal static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Clamp(failures - 1, 0, 20)), MaxRetryDelay.TotalSeconds));

    /// <summary>Handles one result; <paramref name="onOk"/> records what an applied operation means.</summary>
    public void Handle(Side side, SyncAction action, OpResult result, Action<SyncAction, OpResult> onOk, TimeSpan duration)
    {
        switch (result.Status)
        {
            case OpStatus.Ok:
                ctx.Changes.NoteOwnWrite(side, action.Path, result.Seq);
                onOk(action, result);
                break;
            case OpStatus.Conflict when action is DeleteAction { Recursive: false } && result.State.Kind == EntryKind.Directory:
                // Files appeared in a directory the other side deleted: a modification beats a
                // deletion. Forget the directory's agreed state and let a reconcile bring it back.
                ctx.Index.Remove(action.Path);
                ctx.Reconcile.RequestWhole($"{PathCodec.Display(action.Path)} filled while it was deleted");
                ctx.Journal.Record(EventKind.Kept, side, action.Path, "not deleted: it holds files the other side never had");
                break;
            case OpStatus.Conflict:
                // The target is not what the plan assumed: plan again with what is really there.
                ctx.Changes.Requeue(action.Work, TimeSpan.Zero);
                ctx.Changes.Report(side, action.Path, result.State, result.Seq);
                ctx.Journal.Record(EventKind.Changed, side, action.Path, $"{action.KindOf()} deferred: {result.Message}", duration);
                break;
            default:
                Retry(action.Work, side, $"{action.KindOf()} failed: {result.Message}", duration);
                break;
        }
    }

    /// <summary>
    /// Plans the path again after a delay that doubles from 1 s up to <see cref="MaxRetryDelay"/>,
    /// for as long as it fails: a disk freed or a file made readable an hour later still syncs.
    /// </summary>
    public void Retry(PathWork work, Side side, string message, TimeSpan duration)
    {
        work.Attempts++;
        var delay = RetryDelay(work.Attempts);
        ctx.Changes.Requeue(work, delay);
        ctx.Journal.OutOfSyncFound(work.Path, OutOfSyncReason.Error, side, message, work.Attempts, delay);
        ctx.Journal.Record(EventKind.Error, side, work.Path, work.Attempts == 1 ? $"{message}; retrying" : $"{message}; retrying in {delay.TotalSeconds:0} s (attempt {work.Attempts})", duration);
    }

    /// <summary>Records an operation's result as the new agreement, or, when what it read already differs (someone's next change), plans the path again.</summary>
    public void Agree(SyncAction action, Side target, in FileState left, in FileState right, OpResult result)
    {
        if (IndexEntry.Agreement(action.Path, left, right) is { } entry)
        {
            ctx.Index.Put(entry);
            ctx.Journal.Converged(action.Path);
            return;
        }
        ctx.Changes.Requeue(action.Work, TimeSpan.Zero);
        ctx.Changes.Report(target, action.Path, result.State, result.Seq);
    }

    /// <summary>An operation that made the target like <paramref name="source"/>: the two agree, and the event log says so.</summary>
    public void Agreed(SyncAction action, FileState source, Side target, OpResult result, EventKind kind, string? why = null)
    {
        var (left, right) = target == Side.Right ? (source, result.State) : (result.State, source);
        Agree(action, target, left, right, result);
        ctx.Journal.Record(kind, target, action.Path, why ?? "");
        if (result.Reason == OpReason.OwnerNotSet)
        {
            // Agreed all the same: retrying would fail the same way until someone changes the owner again.
            ctx.Journal.Record(EventKind.Warning, target, action.Path, result.Message ?? "owner not set");
        }
    }

    /// <summary>A delete applied: the path and all below it leave the index.</summary>
    public void Deleted(SyncAction action, OpResult result)
    {
        var target = ((DeleteAction)action).Target;
        ctx.Index.RemoveTree(action.Path);
        ctx.Journal.ConvergedTree(action.Path);
        ctx.Journal.RecordApplied(EventKind.Delete, target, action.Path, "deleted on the other side; kept in .psync/trash");
    }

    /// <summary>
    /// Runs <paramref name="ops"/> on <paramref name="side"/>. With <see cref="PairOptions.Durable"/>,
    /// a <see cref="SyncOp"/> precedes them (<paramref name="before"/>: staged data on disk before it
    /// is committed) and/or follows them (<paramref name="after"/>: what they did on disk before the
    /// index records it); if a sync fails, every result counts as failed and is retried.
    /// </summary>
    public async Task<OpResult[]> RunDurablyAsync(Side side, Operation[] ops, bool before, bool after, CancellationToken ct)
    {
        if (!ctx.Options.Durable)
        {
            return await ctx.Agent(side).RunManyAsync(ops, ct).ConfigureAwait(false);
        }
        var first = before ? 1 : 0;
        Operation[] all = [.. before ? [new SyncOp()] : Array.Empty<Operation>(), .. ops, .. after ? [new SyncOp()] : Array.Empty<Operation>()];
        var results = await ctx.Agent(side).RunManyAsync(all, ct).ConfigureAwait(false);
        var done = results[first..(first + ops.Length)];
        OpResult[] syncs = [.. results[..first], .. results[(first + ops.Length)..]];
        if (syncs.FirstOrDefault(r => r.Status != OpStatus.Ok) is { } failed)
        {
            return [.. done.Select(r => r.Status == OpStatus.Ok ? r with { Status = OpStatus.Error, Message = $"not durable: {failed.Message}" } : r)];
        }
        return done;
    }

    /// <summary>
    /// An operation that failed may have been planned from a state the source no longer has
    /// (a file gone with its directory reports nothing of its own): read the source again, so the
    /// retry plans from the truth instead of repeating the failure.
    /// </summary>
    public Task RefreshFailedSourcesAsync<T>(Side target, List<T> actions, OpResult[] results, CancellationToken ct)
        where T : SyncAction =>
        RefreshSourcesAsync(target, [.. actions.Where((_, i) => results[i].Status == OpStatus.Error).Select(a => a.Path)], ct);

    /// <summary>
    /// Reads <paramref name="paths"/> again on the source of <paramref name="target"/> and reports
    /// them to the change set; returns what it read (a path it could not read is left out).
    /// </summary>
    public async Task<Dictionary<string, FileState>> RefreshSourcesAsync(Side target, IReadOnlyList<string> paths, CancellationToken ct)
    {
        var read = new Dictionary<string, FileState>(StringComparer.Ordinal);
        if (paths.Count == 0)
        {
            return read;
        }
        var source = target.Other();
        var stats = await ctx.Agent(source).RunManyAsync([.. paths.Select(p => new StatOp(p))], ct).ConfigureAwait(false);
        for (var i = 0; i < paths.Count; i++)
        {
            if (stats[i].Status == OpStatus.Ok)
            {
                ctx.Changes.Report(source, paths[i], stats[i].State, stats[i].Seq);
                read[paths[i]] = stats[i].State;
            }
        }
        return read;
    }
}
