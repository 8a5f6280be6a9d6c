using System.Diagnostics;
using Psync.Engine.Index;
using Psync.Engine.Planning;
using Psync.Engine.Transfer;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// Carries out a plan: conflicts first (the losing version is renamed to its conflict copy),
/// then deletes (deepest first), directories, links and attributes, then one rsync per
/// direction with a compare-and-swap commit per file. Whatever does not finish goes back to the
/// change set with the observations it was planned from, so nothing is forgotten.
/// </summary>
internal sealed class Executor(PairContext ctx)
{
    /// <summary>The longest wait between two attempts at a path that keeps failing (a full disk, an unreadable file).</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);
    private long _batch;

    /// <summary>At most this many files are offered to the agent in one round of <see cref="CommitWhileStagingAsync"/>.</summary>
    private const int EarlyCommitWindow = 256;

    /// <summary>How many files a round offers while nothing is staged yet.</summary>
    private const int EarlyCommitProbe = 8;

    private static readonly TimeSpan EarlyCommitPoll = TimeSpan.FromMilliseconds(2);

    public async Task ExecuteAsync(List<SyncAction> plan, CancellationToken ct)
    {
        if (plan.Count == 0)
        {
            return;
        }
        var queue = new LiveQueue(ctx.Journal, ctx.Clock, plan.Where(a => a is not AgreeAction));
        if (ctx.Options.DryRun)
        {
            foreach (var action in plan.Where(a => a is not AgreeAction))
            {
                ctx.Journal.Record(action.KindOf(), action.TargetOf(), action.Path, "dry run: not done");
            }
            ctx.Journal.SetQueue([]);
            return;
        }
        foreach (var conflict in plan.OfType<ConflictAction>())
        {
            await ConflictAsync(conflict, ct).ConfigureAwait(false);
        }
        queue.Finish(plan.OfType<ConflictAction>());
        foreach (var skip in plan.OfType<SkipAction>())
        {
            ctx.Journal.Record(EventKind.Skip, null, skip.Path, skip.Reason);
        }
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            // Deepest first, so a directory is empty by the time its own delete comes.
            var deletes = plan.OfType<DeleteAction>().Where(a => a.Target == side).OrderByDescending(a => a.Path, PathOrder.Instance).ToList();
            await RunOpsAsync(side, deletes, d => new DeleteOp(d.Path, d.Expect, d.Recursive), OnDeleted, ct).ConfigureAwait(false);
            var mkdirs = plan.OfType<MkdirAction>().Where(a => a.Target == side).OrderBy(a => a.Path, PathOrder.Instance).ToList();
            await RunOpsAsync(side, mkdirs, m => new MkdirOp(m.Path, m.Source.Mode, Expect.Absent), (a, r) => Agreed(a, ((MkdirAction)a).Source, side, r, EventKind.Mkdir), ct).ConfigureAwait(false);
            var links = plan.OfType<SymlinkAction>().Where(a => a.Target == side).ToList();
            await RunOpsAsync(side, links, l => new SymlinkOp(l.Path, l.Source.LinkTarget ?? "", l.Expect, l.Source.MtimeNs), (a, r) => Agreed(a, ((SymlinkAction)a).Source, side, r, EventKind.Symlink), ct).ConfigureAwait(false);
            var attrs = plan.OfType<AttrAction>().Where(a => a.Target == side).ToList();
            await RunOpsAsync(side, attrs, a => new SetAttrOp(a.Path, a.Expect, a.Source.Mode, a.Source.Kind == EntryKind.File ? a.Source.MtimeNs : null), (a, r) => Agreed(a, ((AttrAction)a).Source, side, r, EventKind.Attr), ct).ConfigureAwait(false);
            queue.Finish([.. deletes, .. mkdirs, .. links, .. attrs]);
        }
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var transfers = plan.OfType<TransferAction>().Where(a => a.Target == side).ToList();
            if (transfers.Count > 0)
            {
                queue.Start(transfers);
                await TransferAsync(side, transfers, new Progress<int>(percent => queue.Progress(transfers, percent)), ct).ConfigureAwait(false);
                queue.Finish(transfers);
            }
        }
        using var tx = ctx.Index.Begin();
        foreach (var agree in plan.OfType<AgreeAction>())
        {
            if (IndexEntry.Agreement(agree.Path, agree.Left, agree.Right) is { } entry)
            {
                ctx.Index.Put(entry);
            }
            else
            {
                ctx.Index.RemoveTree(agree.Path);
            }
        }
        tx.Commit();
        ctx.Journal.SetQueue([]);
    }

    private async Task RunOpsAsync<T>(Side side, List<T> actions, Func<T, Operation> toOp, Action<SyncAction, OpResult> onOk, CancellationToken ct)
        where T : SyncAction
    {
        if (actions.Count == 0)
        {
            return;
        }
        var watch = Stopwatch.StartNew();
        var results = await ctx.Agent(side).RunManyAsync([.. actions.Select(toOp)], ct).ConfigureAwait(false);
        await RefreshFailedSourcesAsync(side, actions, results, ct).ConfigureAwait(false);
        // One transaction per group: the index never runs ahead of or behind what the agents did by more than a group.
        using var tx = ctx.Index.Begin();
        for (var i = 0; i < actions.Count; i++)
        {
            Handle(side, actions[i], results[i], onOk, watch.Elapsed / actions.Count);
        }
        tx.Commit();
    }

    /// <summary>
    /// An operation that failed may have been planned from a state the source no longer has
    /// (a file gone with its directory reports nothing of its own): read the source again, so the
    /// retry plans from the truth instead of repeating the failure.
    /// </summary>
    private async Task RefreshFailedSourcesAsync<T>(Side target, List<T> actions, OpResult[] results, CancellationToken ct)
        where T : SyncAction
    {
        var failed = actions.Where((_, i) => results[i].Status == OpStatus.Error).Select(a => a.Path).ToList();
        if (failed.Count == 0)
        {
            return;
        }
        var source = target.Other();
        var stats = await ctx.Agent(source).RunManyAsync([.. failed.Select(p => new StatOp(p))], ct).ConfigureAwait(false);
        for (var i = 0; i < failed.Count; i++)
        {
            if (stats[i].Status == OpStatus.Ok)
            {
                ctx.Changes.Report(source, failed[i], stats[i].State, stats[i].Seq);
            }
        }
    }

    private void Handle(Side side, SyncAction action, OpResult result, Action<SyncAction, OpResult> onOk, TimeSpan duration)
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
                ctx.ReconcileRequested = true;
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
    private void Retry(PathWork work, Side side, string message, TimeSpan duration)
    {
        work.Attempts++;
        var delay = RetryDelay(work.Attempts);
        ctx.Changes.Requeue(work, delay);
        ctx.Journal.Record(EventKind.Error, side, work.Path, work.Attempts == 1 ? $"{message}; retrying" : $"{message}; retrying in {delay.TotalSeconds:0} s (attempt {work.Attempts})", duration);
    }

    /// <summary>The wait before attempt <paramref name="failures"/> + 1: 1 s, 2 s, 4 s … up to <see cref="MaxRetryDelay"/>, never "give up".</summary>
    internal static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Clamp(failures - 1, 0, 20)), MaxRetryDelay.TotalSeconds));

    /// <summary>Records an operation's result as the new agreement, or, when what it read already differs (someone's next change), plans the path again.</summary>
    private void Agree(SyncAction action, Side target, in FileState left, in FileState right, OpResult result)
    {
        if (IndexEntry.Agreement(action.Path, left, right) is { } entry)
        {
            ctx.Index.Put(entry);
            return;
        }
        ctx.Changes.Requeue(action.Work, TimeSpan.Zero);
        ctx.Changes.Report(target, action.Path, result.State, result.Seq);
    }

    private void OnDeleted(SyncAction action, OpResult result)
    {
        var target = ((DeleteAction)action).Target;
        ctx.Index.RemoveTree(action.Path);
        ctx.Journal.RecordApplied(EventKind.Delete, target, action.Path, "deleted on the other side; kept in .psync/trash");
    }

    private void Agreed(SyncAction action, FileState source, Side target, OpResult result, EventKind kind)
    {
        var (left, right) = target == Side.Right ? (source, result.State) : (result.State, source);
        Agree(action, target, left, right, result);
        ctx.Journal.Record(kind, target, action.Path, "");
    }

    private async Task ConflictAsync(ConflictAction conflict, CancellationToken ct)
    {
        if (await SameContentAsync(conflict, ct).ConfigureAwait(false))
        {
            return;
        }
        var loser = conflict.Loser;
        var loserState = loser == Side.Left ? conflict.Left : conflict.Right;
        var now = ctx.Clock.GetUtcNow();
        for (var attempt = 0; attempt < 10; attempt++)
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
            Handle(loser, conflict, result, (_, _) => { }, TimeSpan.Zero);
            return;
        }
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
        var (older, newer) = left.MtimeNs <= right.MtimeNs ? (Side.Left, Side.Right) : (Side.Right, Side.Left);
        var source = older == Side.Left ? left : right;
        var result = await ctx.Agent(newer).RunAsync(new SetAttrOp(conflict.Path, Expect.Is(newer == Side.Left ? left : right), source.Mode, source.MtimeNs), ct).ConfigureAwait(false);
        Handle(newer, conflict, result, (a, r) => Agreed(a, source, newer, r, EventKind.Attr), TimeSpan.Zero);
        return true;
    }

    private async Task TransferAsync(Side target, List<TransferAction> transfers, IProgress<int> progress, CancellationToken ct)
    {
        var source = target.Other();
        var batch = $"{ctx.Clock.GetUtcNow():yyyyMMddHHmmss}-{Environment.ProcessId}-{Interlocked.Increment(ref _batch)}";
        var stage = Rsync.StagePath(batch);
        var watch = Stopwatch.StartNew();
        var transfer = Rsync.TransferAsync(ctx.Endpoint(source), ctx.Endpoint(target), batch, [.. transfers.Select(t => t.Path)], ctx.Options.RsyncExtra, progress, ct);
        var results = new OpResult?[transfers.Count];
        await CommitWhileStagingAsync(target, stage, transfers, results, transfer, ct).ConfigureAwait(false);
        RsyncResult rsync;
        try
        {
            rsync = await transfer.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            rsync = new RsyncResult(-1, 0, 0, e.Message);
        }
        var rsyncTime = watch.Elapsed;
        var rest = Enumerable.Range(0, transfers.Count).Where(i => results[i] is null).ToList();
        if (!rsync.Usable)
        {
            foreach (var i in rest)
            {
                Retry(transfers[i].Work, target, $"rsync failed (exit {rsync.ExitCode})", watch.Elapsed);
            }
            ctx.Journal.Record(EventKind.Error, target, "", $"rsync of {rest.Count} file(s) failed (exit {rsync.ExitCode}): {rsync.Errors}", watch.Elapsed);
            if (rest.Count == transfers.Count)
            {
                await RemoveStageAsync(target, batch, ct).ConfigureAwait(false);
                return;
            }
            transfers = [.. transfers.Where((_, i) => results[i] is not null)];
            results = [.. results.Where(r => r is not null)];
            rest = [];
        }
        var late = await ctx.Agent(target).RunManyAsync([.. rest.Select(i => CommitOf(stage, transfers[i]))], ct).ConfigureAwait(false);
        for (var k = 0; k < rest.Count; k++)
        {
            results[rest[k]] = late[k];
        }
        var done = results.Select(r => r!).ToArray();
        await RefreshFailedSourcesAsync(target, transfers, done, ct).ConfigureAwait(false);
        using var tx = ctx.Index.Begin();
        var committed = 0;
        for (var i = 0; i < transfers.Count; i++)
        {
            var t = transfers[i];
            var result = done[i];
            if (result.Status == OpStatus.Ok)
            {
                committed++;
                // What arrived is what the source had when rsync read it (rsync -a keeps size and mtime).
                var sent = t.Source with { Size = result.State.Size, MtimeNs = result.State.MtimeNs };
                ctx.Changes.NoteOwnWrite(target, t.Path, result.Seq);
                var (left, right) = target == Side.Right ? (sent, result.State) : (result.State, sent);
                Agree(t, target, left, right, result);
                ctx.Journal.Record(EventKind.Transfer, target, t.Path, $"{result.State.Size} bytes", watch.Elapsed);
            }
            else
            {
                Handle(target, t, result.Status == OpStatus.Error && rsync.ExitCode != 0 ? result with { Message = WhyNotSent(rsync, t.Path, result.Message) } : result, (_, _) => { }, watch.Elapsed);
            }
        }
        tx.Commit();
        ctx.Journal.CountTransfer(committed, rsync.LiteralBytes);
        ctx.Journal.Record(EventKind.Batch, target, "", $"{committed} of {transfers.Count} file(s), {rsync.LiteralBytes} bytes of data: rsync {rsyncTime.TotalMilliseconds:F0} ms, commit {(watch.Elapsed - rsyncTime).TotalMilliseconds:F0} ms", watch.Elapsed);
        await RemoveStageAsync(target, batch, ct).ConfigureAwait(false);
    }

    private static CommitOp CommitOf(string stage, TransferAction t) => new($"{stage}/{t.Path}", t.Path, t.Expect);

    /// <summary>
    /// A batch is committed file by file while rsync still runs: rsync renames each file into the
    /// stage folder once it is complete and verified, so a staged file is whole. A lone file is then
    /// in place 20–40 ms before rsync has gone through its exit path (its processes wait for each
    /// other in 20 ms sleeps), and a big batch's commits overlap its transfer. Every
    /// <see cref="EarlyCommitPoll"/> the next files not yet committed, in the batch's order (rsync's
    /// too, mostly), are offered to the agent, at most <see cref="EarlyCommitWindow"/>; what is not
    /// staged yet, or fails its compare-and-swap, is left for the commit after rsync, which decides as always.
    /// </summary>
    private async Task CommitWhileStagingAsync(Side target, string stage, List<TransferAction> transfers, OpResult?[] results, Task transfer, CancellationToken ct)
    {
        var next = 0;
        var size = EarlyCommitProbe;
        while (next < transfers.Count)
        {
            await Task.WhenAny(transfer, Task.Delay(EarlyCommitPoll, ctx.Clock, ct)).ConfigureAwait(false);
            if (transfer.IsCompleted)
            {
                return;
            }
            var window = Enumerable.Range(next, transfers.Count - next).Where(i => results[i] is null).Take(size).ToList();
            var tried = await ctx.Agent(target).RunManyAsync([.. window.Select(i => CommitOf(stage, transfers[i]))], ct).ConfigureAwait(false);
            var ok = 0;
            for (var k = 0; k < window.Count; k++)
            {
                if (tried[k].Status == OpStatus.Ok)
                {
                    results[window[k]] = tried[k];
                    ok++;
                }
            }
            // While rsync keeps up, offer more at a time; while nothing is staged, only a few.
            size = ok == window.Count ? Math.Min(size * 4, EarlyCommitWindow) : ok == 0 ? EarlyCommitProbe : size;
            while (next < transfers.Count && results[next] is not null)
            {
                next++;
            }
        }
    }

    /// <summary>
    /// A file rsync could not send (unreadable, gone, a full disk) leaves nothing staged: what
    /// rsync said about it is the reason, not the commit's "nothing staged".
    /// </summary>
    private static string? WhyNotSent(RsyncResult rsync, string path, string? commitMessage)
    {
        var line = rsync.Errors.Split('\n').FirstOrDefault(l => l.Contains($"/{path}\"", StringComparison.Ordinal) || l.Contains($"\"{path}\"", StringComparison.Ordinal));
        return line is null ? $"{commitMessage} (rsync exit {rsync.ExitCode}: {rsync.Errors})" : line.Trim();
    }

    private async Task RemoveStageAsync(Side side, string batch, CancellationToken ct) =>
        await ctx.Agent(side).RunAsync(new RemoveStageOp(batch), ct).ConfigureAwait(false);
}
