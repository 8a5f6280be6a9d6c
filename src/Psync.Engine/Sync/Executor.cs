using System.Diagnostics;
using Psync.Engine.Index;
using Psync.Engine.Planning;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// Carries out a plan, phase by phase: conflicts first (<see cref="ConflictCopier"/>), then per
/// side deletes (deepest first), directories, links and attributes, then one rsync per direction
/// (<see cref="BatchTransfer"/>), and last the paths both sides already agree on. Each result goes
/// through <see cref="ResultHandler"/>: whatever does not finish goes back to the change set with
/// the observations it was planned from, so nothing is forgotten.
/// </summary>
internal sealed class Executor
{
    private readonly PairContext _ctx;
    private readonly ResultHandler _results;
    private readonly ConflictCopier _conflicts;
    private readonly BatchTransfer _transfers;

    public Executor(PairContext ctx)
    {
        _ctx = ctx;
        _results = new ResultHandler(ctx);
        _conflicts = new ConflictCopier(ctx, _results);
        _transfers = new BatchTransfer(ctx, _results);
    }

    public async Task ExecuteAsync(List<SyncAction> plan, CancellationToken ct)
    {
        if (plan.Count == 0)
        {
            return;
        }
        var queue = new LiveQueue(_ctx.Journal, _ctx.Clock, plan.Where(a => a is not AgreeAction));
        if (_ctx.Options.DryRun)
        {
            foreach (var action in plan.Where(a => a is not AgreeAction))
            {
                _ctx.Journal.Record(action.KindOf(), action.TargetOf(), action.Path, "dry run: not done");
            }
            _ctx.Journal.SetQueue([]);
            return;
        }
        var planned = plan.OfType<TransferAction>().ToList();
        _ctx.Journal.Progress.Plan(planned.Count, planned.Sum(t => t.Source.Size));
        foreach (var conflict in plan.OfType<ConflictAction>())
        {
            await _conflicts.CopyAsync(conflict, ct).ConfigureAwait(false);
        }
        queue.Finish(plan.OfType<ConflictAction>());
        foreach (var skip in plan.OfType<SkipAction>())
        {
            _ctx.Journal.Record(EventKind.Skip, null, skip.Path, skip.Reason);
            _ctx.Journal.OutOfSyncFound(skip.Path, skip.Why, null, skip.Reason);
        }
        foreach (var diverged in plan.OfType<DivergedAction>())
        {
            RecordDivergence(diverged);
        }
        // A directory new on a side, with all below it, is staged whole and placed by the transfer phase.
        var trees = new[] { Side.Left, Side.Right }.ToDictionary(side => side, side => NewTree.Find(plan, side));
        var whole = trees.Values.SelectMany(t => t).SelectMany(t => t.Entries).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            queue.Finish(await ApplyOperationsAsync([.. plan.Where(a => !whole.Contains(a))], side, ct).ConfigureAwait(false));
        }
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var transfers = plan.OfType<TransferAction>().Where(a => a.Target == side && !whole.Contains(a)).ToList();
            List<SyncAction> running = [.. transfers, .. trees[side].SelectMany(t => t.Entries)];
            if (running.Count > 0)
            {
                queue.Start(running);
                var mark = _ctx.Journal.Progress.Mark();
                await _transfers.RunAsync(side, transfers, trees[side], new Progress<int>(percent => queue.Progress(running, percent)), ct).ConfigureAwait(false);
                var sent = running.OfType<TransferAction>().ToList();
                _ctx.Journal.Progress.Settle(mark, sent.Count, sent.Sum(t => t.Source.Size));
                queue.Finish(running);
            }
        }
        RecordAgreements(plan);
        _ctx.Journal.SetTotals(_ctx.Index.Totals());
        _ctx.Journal.SetQueue([]);
    }

    /// <summary>The plan's deletes, directories, links and attribute changes on one side, a group each; returns what it did.</summary>
    private async Task<List<SyncAction>> ApplyOperationsAsync(List<SyncAction> plan, Side side, CancellationToken ct)
    {
        // Deepest first, so a directory is empty by the time its own delete comes.
        var deletes = plan.OfType<DeleteAction>().Where(a => a.Target == side).OrderByDescending(a => a.Path, PathOrder.Instance).ToList();
        await RunOpsAsync(side, deletes, d => new DeleteOp(d.Path, d.Expect, d.Recursive), _results.Deleted, ct).ConfigureAwait(false);
        var mkdirs = plan.OfType<MkdirAction>().Where(a => a.Target == side).OrderBy(a => a.Path, PathOrder.Instance).ToList();
        await RunOpsAsync(side, mkdirs, m => new MkdirOp(m.Path, m.Source.Mode, Expect.Absent, (m.Source.Uid, m.Source.Gid)), (a, r) => _results.Agreed(a, ((MkdirAction)a).Source, side, r, EventKind.Mkdir), ct).ConfigureAwait(false);
        var links = plan.OfType<SymlinkAction>().Where(a => a.Target == side).ToList();
        await RunOpsAsync(side, links, l => new SymlinkOp(l.Path, l.Source.LinkTarget ?? "", l.Expect, l.Source.MtimeNs), (a, r) => _results.Agreed(a, ((SymlinkAction)a).Source, side, r, EventKind.Symlink), ct).ConfigureAwait(false);
        var attrs = plan.OfType<AttrAction>().Where(a => a.Target == side).ToList();
        // A new directory gets its extended attributes and ACLs (a default ACL above all) once it exists.
        List<AttrAction> newDirs = [.. mkdirs
            .Where(m => m.Source.XattrHash != 0 && _ctx.Index.Get(m.Path) is not null)
            .Select(m => new AttrAction(m.Work, side, m.Source, Expect.Is(side == Side.Left ? _ctx.Index.Get(m.Path)!.Left : _ctx.Index.Get(m.Path)!.Right)))];
        var xattrs = await XattrsOfSourcesAsync(side, [.. attrs, .. newDirs], ct).ConfigureAwait(false);
        await RunOpsAsync(side, [.. attrs, .. newDirs], a => new SetAttrOp(a.Path, a.Expect, a.Source.Mode, a.Source.Kind == EntryKind.File ? a.Source.MtimeNs : null, a.Owner ? (a.Source.Uid, a.Source.Gid) : null, xattrs.GetValueOrDefault(a.Path)), (a, r) => _results.Agreed(a, ((AttrAction)a).Source, side, r, EventKind.Attr, ((AttrAction)a).Why), ct).ConfigureAwait(false);
        return [.. deletes, .. mkdirs, .. links, .. attrs];
    }

    /// <summary>
    /// The extended attributes (and ACLs) to copy, read from the source side, for the attribute
    /// changes whose digests differ; a source that changed meanwhile gives none (its own change follows).
    /// </summary>
    private async Task<Dictionary<string, string>> XattrsOfSourcesAsync(Side target, List<AttrAction> attrs, CancellationToken ct)
    {
        var differ = attrs.Where(a => a.Source.XattrHash != a.Expect.State.XattrHash).ToList();
        if (differ.Count == 0)
        {
            return [];
        }
        var read = await _ctx.Agent(target.Other()).RunManyAsync([.. differ.Select(a => new GetXattrsOp(a.Path))], ct).ConfigureAwait(false);
        return differ.Zip(read).Where(p => p.Second.Status == OpStatus.Ok).ToDictionary(p => p.First.Path, p => p.Second.Data ?? "", StringComparer.Ordinal);
    }

    private async Task RunOpsAsync<T>(Side side, List<T> actions, Func<T, Operation> toOp, Action<SyncAction, OpResult> onOk, CancellationToken ct)
        where T : SyncAction
    {
        if (actions.Count == 0)
        {
            return;
        }
        var watch = Stopwatch.StartNew();
        var results = await _results.RunDurablyAsync(side, [.. actions.Select(toOp)], before: false, after: true, ct).ConfigureAwait(false);
        await _results.RefreshFailedSourcesAsync(side, actions, results, ct).ConfigureAwait(false);
        // One transaction per group: the index never runs ahead of or behind what the agents did by more than a group.
        using var tx = _ctx.Index.Begin();
        for (var i = 0; i < actions.Count; i++)
        {
            _results.Handle(side, actions[i], results[i], onOk, watch.Elapsed / actions.Count);
        }
        tx.Commit();
    }

    /// <summary>
    /// The right changed a path on its own in a one-way mode. Reverted: the event log says so (the
    /// actions beside it do it). Kept: listed once as a conflict whose copy is the path itself,
    /// unless it is a conflict copy already or this very version is listed (every reconcile plans it again).
    /// </summary>
    private void RecordDivergence(DivergedAction diverged)
    {
        var mode = _ctx.Options.Mode.Name();
        if (!diverged.Kept)
        {
            _ctx.Journal.Record(EventKind.Reverted, Side.Right, diverged.Path, diverged.Right.Exists
                ? $"{mode}: the right's own version is replaced by the left's; it is kept in the right's .psync/trash"
                : $"{mode}: deleted on the right; restored from the left");
            return;
        }
        if (_ctx.Journal.Conflicts.Any(c => c.ConflictCopy == diverged.Path && (c.Path != diverged.Path || c.Right.SameAttributes(diverged.Right))))
        {
            return;
        }
        _ctx.Journal.AddConflict(diverged.Path, diverged.Left, diverged.Right, Side.Right, diverged.Path);
        _ctx.Journal.Record(EventKind.Conflict, Side.Right, diverged.Path, $"{mode}: the right's own version is kept; the left's is not copied over it");
    }

    /// <summary>Paths that already look alike on both sides need no operation, only their agreement in the index.</summary>
    private void RecordAgreements(List<SyncAction> plan)
    {
        using var tx = _ctx.Index.Begin();
        foreach (var agree in plan.OfType<AgreeAction>())
        {
            if (IndexEntry.Agreement(agree.Path, agree.Left, agree.Right) is { } entry)
            {
                _ctx.Index.Put(entry);
            }
            else
            {
                _ctx.Index.RemoveTree(agree.Path);
            }
            _ctx.Journal.Converged(agree.Path);
        }
        tx.Commit();
    }
}
