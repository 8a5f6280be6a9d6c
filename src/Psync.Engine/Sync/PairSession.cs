using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Psync.Engine.Planning;
using Psync.Engine.Transfer;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>What the pair's loop handles, one at a time, in the order it arrived: agents' reports and requests from outside.</summary>
internal abstract record InboxItem;

/// <summary>An agent's message, tagged with its side and the session that started the agent (a new agent counts its sequence numbers from 1 again).</summary>
internal sealed record AgentMessage(int Generation, Side Side, Message Message) : InboxItem;

/// <summary>An agent's stream ended.</summary>
internal sealed record AgentGone(int Generation, Side Side, Exception? Error) : InboxItem;

/// <summary>A request from outside the loop; <see cref="Done"/> completes when it was carried out, or fails saying why not.</summary>
internal abstract record PairCommand : InboxItem
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Pause with a reason a person gave (kept until <see cref="ResumeCommand"/>).</summary>
internal sealed record PauseCommand(string Reason) : PairCommand;

/// <summary>Go on after a pause; reconciles.</summary>
internal sealed record ResumeCommand : PairCommand;

/// <summary>Scan both trees and merge them with the index now.</summary>
internal sealed record ReconcileCommand : PairCommand;

/// <summary>Reconcile now, and complete when the pair is idle after that reconcile; fails when the pair is paused or outside its sync window, or becomes so first.</summary>
internal sealed record FlushCommand : PairCommand;

/// <summary>Try an out-of-sync path (or, with null, every one) now: its retry backoff ends and it is reconciled again.</summary>
internal sealed record RetryCommand(string? Path) : PairCommand;

/// <summary>Let a plan the delete guard holds go ahead.</summary>
internal sealed record ConfirmDeletesCommand : PairCommand;

/// <summary>Undo the deletes the delete guard holds: copy each held path back from the side that still has it.</summary>
internal sealed record RestoreHeldCommand : PairCommand;

/// <summary>Settle a conflict.</summary>
internal sealed record ResolveCommand(long ConflictId, ConflictResolution Resolution) : PairCommand;

/// <summary>Restore a trash entry on one side (see <see cref="TrashRestorer"/>); answered through <see cref="Done"/>.</summary>
internal sealed record RestoreRequest(Side Side, string TrashId) : InboxItem
{
    public TaskCompletionSource<RestoreResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The loop of one running pair: drains what the agents report into the change set, plans what
/// is due, executes it (changes arriving meanwhile form the next batch), and reconciles at start,
/// on request, and on a timer. Single-threaded: it alone touches the index and the change set.
/// </summary>
internal sealed class PairSession(PairContext ctx, ChannelReader<InboxItem> inbox, int generation, ILogger log)
{
    private readonly Executor _executor = new(ctx);
    private readonly MoveApplier _moves = new(ctx);
    private readonly Reconciler _reconciler = new(ctx);
    private bool _paused;
    private bool _pausedByPerson;
    private bool _deletesConfirmed;
    private bool _restoreHeld;
    private bool _restartOnResume;
    private long _lastReconcile;

    /// <summary>Flushes waiting for the next idle moment (after the reconcile each one asked for).</summary>
    private readonly List<FlushCommand> _flushes = [];

    /// <summary>Set while nothing is pending or running.</summary>
    public Action<bool>? IdleChanged { get; init; }

    /// <summary>Told the deletes the delete guard holds when it pauses, and an empty list once they are confirmed, restored or resumed.</summary>
    public Action<IReadOnlyList<HeldDelete>>? HeldChanged { get; init; }

    /// <summary>A person's pause in force when the session starts: it starts paused, before any reconcile.</summary>
    public string? PausedBy { get; init; }

    /// <summary>Runs until cancelled, an agent goes away (throws <see cref="Agents.AgentException"/>), or, with <paramref name="once"/>, until all is done.</summary>
    public async Task RunAsync(bool reconcileFirst, bool once, CancellationToken ct)
    {
        try
        {
            await LoopAsync(reconcileFirst, once, ct).ConfigureAwait(false);
        }
        finally
        {
            EndFlushes("the pair's session ended before it was idle (it stopped or restarts); try again");
        }
    }

    private async Task LoopAsync(bool reconcileFirst, bool once, CancellationToken ct)
    {
        if (reconcileFirst)
        {
            // What was listed may have been settled while no session ran (deleted on both sides):
            // the reconcile lists again what is still out of sync.
            ctx.Journal.ForgetOutOfSync();
            ctx.Reconcile.RequestWhole("start");
        }
        if (PausedBy is { } reason)
        {
            Pause(reason);
            _pausedByPerson = true;
        }
        while (!ct.IsCancellationRequested)
        {
            await HandleQueuedAsync(ct).ConfigureAwait(false);
            if (!ctx.Changes.IsEmpty)
            {
                IdleChanged?.Invoke(false);
            }
            if (_paused)
            {
                if (once)
                {
                    return;
                }
                IdleChanged?.Invoke(true);
                await HandleAsync(await inbox.ReadAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                continue;
            }
            if (WindowClosed() is { } opens)
            {
                // Changes keep coming into the change set (it coalesces them); nothing is planned
                // until the window opens, and then what was collected syncs as usual.
                if (once)
                {
                    return;
                }
                IdleChanged?.Invoke(true);
                await WaitAsync(ct, opens).ConfigureAwait(false);
                continue;
            }
            if (ctx.Reconcile.Whole is not null || ReconcileDue())
            {
                await ReconcileAsync(ct).ConfigureAwait(false);
                continue;
            }
            foreach (var subtree in ctx.Reconcile.TakeSubtrees())
            {
                await _reconciler.RunAsync(ct, subtree).ConfigureAwait(false);
            }
            if (await SyncDueAsync(ct).ConfigureAwait(false))
            {
                continue;
            }
            if (ctx.Changes.IsEmpty)
            {
                ctx.Journal.SetStatus(PairState.Idle);
                IdleChanged?.Invoke(true);
                EndFlushes(null);
                if (once)
                {
                    return;
                }
            }
            await WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Plans and runs what is due in the change set; false when nothing was.</summary>
    private async Task<bool> SyncDueAsync(CancellationToken ct)
    {
        var rate = ctx.Bandwidth.RateAt(BandwidthSchedule.TimeOfDay(ctx.Clock));
        if (rate.Off)
        {
            return false;
        }
        var (moves, paths) = ctx.Changes.TakeReady();
        if (moves.Count == 0 && paths.Count == 0)
        {
            return false;
        }
        // The rate of this plan's batches: a window's new rate applies from the next plan.
        ctx.TransferLimit = rate.KiBps;
        IdleChanged?.Invoke(false);
        ctx.Journal.SetStatus(PairState.Syncing);
        await _moves.ApplyAsync(moves, paths, ct).ConfigureAwait(false);
        List<SyncAction> plan;
        // One read of the index for the whole plan: a lookup each on its own would lock and unlock the file each.
        using (ctx.Index.BeginRead())
        {
            plan = ExpandDirectoryDeletes(Planner.Plan(paths, ctx.Index.Get, ctx.Options.Force, ctx.Options.Mode));
        }
        if (ctx.Journal.HasOutOfSync)
        {
            // A path planned to nothing (both sides as the index has them, or gone from both) has converged.
            var planned = plan.Select(a => a.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var work in paths.Where(w => !planned.Contains(w.Path)))
            {
                ctx.Journal.Converged(work.Path);
            }
        }
        if (_restoreHeld)
        {
            _restoreHeld = false; // a restore answers one held plan, as a confirmation does
            plan = RestorePlan(plan);
        }
        else if (DeleteGuard(plan) is { } reason)
        {
            foreach (var work in paths)
            {
                ctx.Changes.Requeue(work, TimeSpan.Zero);
            }
            HeldChanged?.Invoke([.. plan.OfType<DeleteAction>()
                .Select(d => new HeldDelete(d.Target.Other(), d.Path, d.Expect.State.Kind))
                .OrderBy(h => h.Path, PathOrder.Instance)]);
            Pause(reason, awaitsDeleteConfirmation: true);
            return true;
        }
        await _executor.ExecuteAsync(plan, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Between two pages of a reconcile: syncs what the page handed over until nothing is due any
    /// more (a failed path waits for its retry with the rest). False when the pair paused.
    /// </summary>
    private async Task<bool> DrainAsync(CancellationToken ct)
    {
        // Only retries wait longer than a hold: they go with a later plan.
        while (!_paused && WindowClosed() is null && ctx.Changes.NextDue() is { } wait && wait <= ctx.Options.DeleteHold)
        {
            if (wait > TimeSpan.Zero)
            {
                // A millisecond more, so that the timer's rounding never wakes it a hair too early.
                await Task.Delay(wait + TimeSpan.FromMilliseconds(1), ctx.Clock, ct).ConfigureAwait(false);
            }
            // As between any two plans: what the agents reported meanwhile comes first.
            await HandleQueuedAsync(ct).ConfigureAwait(false);
            await SyncDueAsync(ct).ConfigureAwait(false);
        }
        if (!_paused && WindowClosed() is not null)
        {
            // The rest of the tree is merged when the window opens again.
            ctx.Reconcile.RequestWhole("the sync window closed during a reconcile");
            return false;
        }
        ctx.Journal.SetStatus(_paused ? PairState.Paused : PairState.Reconciling);
        return !_paused;
    }

    /// <summary>
    /// Null while the schedule lets the pair sync; outside its sync window, how long until it opens,
    /// with the status saying so (and flushes waiting for an idle moment told that none comes now).
    /// </summary>
    private TimeSpan? WindowClosed()
    {
        var until = ctx.Bandwidth.UntilOn(BandwidthSchedule.TimeOfDay(ctx.Clock)) ?? TimeSpan.FromHours(1);
        if (until == TimeSpan.Zero)
        {
            return null;
        }
        var opens = ctx.Clock.GetLocalNow() + until;
        ctx.Journal.SetStatus(PairState.Waiting, $"outside its sync window until {opens:HH:mm}", windowOpens: opens);
        EndFlushes($"the pair is outside its sync window until {opens:HH:mm}");
        return until;
    }

    /// <summary>Completes the flushes waiting (<paramref name="failure"/> null: the pair is idle), or fails them with it.</summary>
    private void EndFlushes(string? failure)
    {
        foreach (var flush in _flushes)
        {
            if (failure is null)
            {
                flush.Done.TrySetResult();
            }
            else
            {
                flush.Done.TrySetException(new PairNotRunningException(failure));
            }
        }
        _flushes.Clear();
    }

    /// <summary>Handles what is in the inbox now (reports, commands), without waiting for more.</summary>
    private async Task HandleQueuedAsync(CancellationToken ct)
    {
        while (inbox.TryRead(out var item))
        {
            await HandleAsync(item, ct).ConfigureAwait(false);
        }
    }

    private bool ReconcileDue() =>
        ctx.Clock.GetElapsedTime(_lastReconcile) >= ctx.Options.ReconcileInterval;

    private async Task ReconcileAsync(CancellationToken ct)
    {
        IdleChanged?.Invoke(false);
        var why = ctx.Reconcile.TakeWhole() ?? "periodic";
        ctx.Journal.SetStatus(PairState.Reconciling);
        _lastReconcile = ctx.Clock.GetTimestamp();
        var paused = await _reconciler.RunAsync(ct, why: why, drain: DrainAsync).ConfigureAwait(false);
        ctx.Journal.SetTotals(ctx.Index.Totals());
        if (paused is { } reason)
        {
            Pause(reason);
            return;
        }
        if (!ctx.Options.DryRun)
        {
            await PurgeAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Trash older than the retention, and staging left by a crash, go at each reconcile.</summary>
    private async Task PurgeAsync(CancellationToken ct)
    {
        var now = ctx.Clock.GetUtcNow();
        var op = new PurgeOp((now - ctx.Options.TrashRetention).ToUnixTimeMilliseconds(), (now - TimeSpan.FromHours(1)).ToUnixTimeMilliseconds());
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var result = await ctx.Agent(side).RunAsync(op, ct).ConfigureAwait(false);
            if (result.Status == OpStatus.Ok && result.Data is not (null or "0"))
            {
                ctx.Journal.Record(EventKind.Purge, side, "", $"{result.Data} trash or stale staging entries older than their retention removed");
            }
        }
    }

    /// <summary>Waits for the next message, the next held change to come due, or the next periodic reconcile; or, outside the sync window, for a message or the window to open (<paramref name="opens"/>).</summary>
    private async Task WaitAsync(CancellationToken ct, TimeSpan? opens = null)
    {
        var wait = opens ?? ctx.Options.ReconcileInterval - ctx.Clock.GetElapsedTime(_lastReconcile);
        if (opens is null && ctx.Changes.NextDue() is { } due && due < wait)
        {
            wait = due;
        }
        // A window's boundary: the status says when syncing turns off, without waiting for a change.
        if (ctx.Bandwidth.UntilChange(BandwidthSchedule.TimeOfDay(ctx.Clock)) is { } change && change < wait)
        {
            wait = change;
        }
        // On the pair's clock: a retry's delay and the hold are the clock's time, not the wall's.
        using var elapsed = new CancellationTokenSource(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, ctx.Clock);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, elapsed.Token);
        try
        {
            await inbox.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // time for something held or the periodic reconcile
        }
    }

    /// <summary>
    /// A path below a directory that is gone on one side is gone there too, whether or not its
    /// own delete was reported (a directory moved out of the tree reports only itself). So a
    /// directory delete brings the deletes of everything the index knows below it, each with its
    /// own compare-and-swap: a file changed on the other side meanwhile survives (and so does its
    /// directory), everything else goes to the trash before the directory is removed.
    /// </summary>
    private List<SyncAction> ExpandDirectoryDeletes(List<SyncAction> plan)
    {
        var planned = plan.Select(a => a.Path).ToHashSet(StringComparer.Ordinal);
        var extra = new List<SyncAction>();
        foreach (var delete in plan.OfType<DeleteAction>().Where(d => !d.Recursive && d.Expect.State.Kind == EntryKind.Directory).ToList())
        {
            var source = delete.Target.Other();
            foreach (var child in ctx.Index.EnumerateBelow(delete.Path))
            {
                if (!planned.Add(child.Path))
                {
                    continue;
                }
                var work = new PathWork(child.Path);
                work.Set(source, delete.Work.Get(source));
                extra.Add(new DeleteAction(work, delete.Target, Expect.Is(delete.Target == Side.Left ? child.Left : child.Right), Recursive: false));
            }
        }
        return extra.Count == 0 ? plan : [.. plan, .. extra];
    }

    /// <summary>
    /// The held plan with each plain delete turned around: the path is gone on one side and unchanged
    /// on the other, so the other side's version (the state the delete expected there) is copied back
    /// to the side that lost it, a directory before what it holds. A delete that is part of a
    /// replacement (a file that became a directory) is not a loss and goes ahead with its plan.
    /// </summary>
    private static List<SyncAction> RestorePlan(List<SyncAction> plan)
    {
        var replaced = plan.Where(a => a is not DeleteAction).Select(a => a.Path).ToHashSet(StringComparer.Ordinal);
        var restored = new List<SyncAction>(plan.Count);
        foreach (var action in plan)
        {
            if (action is not DeleteAction delete || replaced.Contains(delete.Path) || delete.Work.Get(delete.Target.Other())?.State.Exists == true)
            {
                restored.Add(action);
                continue;
            }
            var lost = delete.Target.Other();
            var version = delete.Expect.State;
            SyncAction? back = version.Kind switch
            {
                EntryKind.File => new TransferAction(delete.Work, lost, version, Expect.Absent),
                EntryKind.Directory => new MkdirAction(delete.Work, lost, version),
                EntryKind.Symlink => new SymlinkAction(delete.Work, lost, version, Expect.Absent),
                _ => null,
            };
            if (back is not null)
            {
                restored.Add(back);
            }
        }
        return restored;
    }

    private string? DeleteGuard(List<SyncAction> plan)
    {
        var deletes = plan.Count(a => a is DeleteAction);
        if (deletes < ctx.Options.MinDeletesGuarded)
        {
            return null;
        }
        var known = ctx.Index.Count();
        if (deletes <= ctx.Options.MaxDeleteShare * known)
        {
            return null;
        }
        if (_deletesConfirmed)
        {
            _deletesConfirmed = false; // a confirmation lets one guarded plan through
            return null;
        }
        return $"the plan would delete {deletes} of {known} synced paths (over {ctx.Options.MaxDeleteShare:P0}); confirm to go ahead";
    }

    private void Pause(string reason, bool awaitsDeleteConfirmation = false)
    {
        _paused = true;
        ctx.Journal.SetStatus(PairState.Paused, reason, awaitsDeleteConfirmation);
        EndFlushes($"the pair paused: {reason}");
        ctx.Journal.Record(EventKind.Pause, null, "", reason);
        log.LogWarning("Pair {Pair} paused: {Reason}", ctx.Options.Name, reason);
    }

    private async Task HandleAsync(InboxItem item, CancellationToken ct)
    {
        switch (item)
        {
            case AgentMessage old when old.Generation != generation:
                break; // from an agent of an earlier session
            case AgentGone old when old.Generation != generation:
                break;
            case AgentMessage { Message: Changes changes } m:
                foreach (var c in changes.Items)
                {
                    if (c.Kind == ChangeKind.Moved && c.FromPath is not null)
                    {
                        ctx.Changes.ReportMove(m.Side, c.FromPath, c.Path, c.State, c.Seq);
                    }
                    else
                    {
                        ctx.Changes.Report(m.Side, c.Path, c.State, c.Seq);
                    }
                }
                break;
            case AgentMessage { Message: Horizon horizon } m:
                ctx.Changes.Settle(m.Side, horizon.Seq);
                break;
            case AgentMessage { Message: RescanNeeded rescan } m:
                ctx.Reconcile.RequestWhole($"the {m.Side.Name()} agent: {rescan.Reason}");
                ctx.Journal.Record(EventKind.Rescan, m.Side, "", rescan.Reason);
                break;
            case AgentMessage { Message: RootGone gone } m:
                // Nothing already reported for that side can be trusted now; a resume starts over.
                _restartOnResume = true;
                Pause($"the {m.Side.Name()} root {ctx.Root(m.Side)}: {gone.Reason}");
                break;
            case AgentMessage { Message: Log line } m:
                log.Log(line.Level switch
                {
                    Protocol.LogLevel.Error => Microsoft.Extensions.Logging.LogLevel.Error,
                    Protocol.LogLevel.Warning => Microsoft.Extensions.Logging.LogLevel.Warning,
                    Protocol.LogLevel.Info => Microsoft.Extensions.Logging.LogLevel.Information,
                    _ => Microsoft.Extensions.Logging.LogLevel.Debug,
                }, "{Side} agent: {Text}", m.Side.Name(), line.Text);
                if (line.Level >= Protocol.LogLevel.Warning)
                {
                    ctx.Journal.Record(EventKind.Warning, m.Side, "", line.Text);
                }
                break;
            case AgentMessage:
                break;
            case AgentGone gone:
                throw new Agents.AgentException($"the {gone.Side.Name()} agent went away{(gone.Error is null ? "" : ": " + gone.Error.Message)}", gone.Error);
            case PairCommand command:
                await CommandAsync(command, ct).ConfigureAwait(false);
                break;
            case RestoreRequest request when _pausedByPerson:
                request.Done.TrySetException(new PairNotRunningException($"the pair is paused ({ctx.Journal.Status.Reason}): resume it to restore from the trash"));
                break;
            case RestoreRequest request:
                try
                {
                    request.Done.TrySetResult(await new TrashRestorer(ctx).RestoreAsync(request.Side, request.TrashId, ct).ConfigureAwait(false));
                }
                catch (Exception e)
                {
                    request.Done.TrySetException(e);
                    if (e is not (InvalidOperationException or ArgumentException))
                    {
                        throw; // an agent that went away ends the session, as anywhere else
                    }
                }
                break;
        }
    }

    private async Task CommandAsync(PairCommand command, CancellationToken ct)
    {
        switch (command)
        {
            case PauseCommand pause when _paused && _pausedByPerson && ctx.Journal.Status.Reason == pause.Reason:
                break; // the session started paused for this very reason
            case PauseCommand pause:
                Pause(pause.Reason);
                _pausedByPerson = true;
                break;
            case ResumeCommand when _restartOnResume:
                command.Done.TrySetResult();
                throw new SessionRestart();
            case ResumeCommand:
                HeldChanged?.Invoke([]);
                _paused = false;
                _pausedByPerson = false;
                ctx.Reconcile.RequestWhole("resumed");
                ctx.Journal.Record(EventKind.Resume, null, "", "resumed; reconciling");
                break;
            case ReconcileCommand:
                ctx.Reconcile.RequestWhole("asked for");
                break;
            case FlushCommand when _paused:
                command.Done.TrySetException(new PairNotRunningException($"the pair is paused ({ctx.Journal.Status.Reason}): resume it to flush"));
                return;
            case FlushCommand flush:
                // Done at the next idle moment, which comes after this reconcile (the loop takes a
                // requested reconcile before it goes idle); a pause or the window closing first fails it.
                ctx.Reconcile.RequestWhole("flush");
                _flushes.Add(flush);
                return;
            case RetryCommand retry:
                foreach (var path in retry.Path is { } one ? [one] : ctx.Journal.OutOfSync.Select(i => i.Path))
                {
                    ctx.Changes.RetryNow(path);
                    ctx.Reconcile.RequestSubtree(path);
                }
                ctx.Journal.Record(EventKind.Rescan, null, retry.Path ?? "", retry.Path is null ? "retrying every out-of-sync path now" : "retrying now");
                break;
            case RestoreHeldCommand when !ctx.Journal.Status.AwaitsDeleteConfirmation:
                command.Done.TrySetException(new InvalidOperationException("the delete guard holds no deletes of this pair"));
                return;
            case RestoreHeldCommand:
                HeldChanged?.Invoke([]);
                _restoreHeld = true;
                _paused = false;
                _pausedByPerson = false;
                ctx.Journal.Record(EventKind.Resume, null, "", "held deletes restored from the other side");
                break;
            case ConfirmDeletesCommand:
                HeldChanged?.Invoke([]);
                _deletesConfirmed = true;
                _paused = false;
                _pausedByPerson = false;
                ctx.Journal.Record(EventKind.Resume, null, "", "deletes confirmed");
                break;
            case ResolveCommand when _pausedByPerson:
                command.Done.TrySetException(new PairNotRunningException($"the pair is paused ({ctx.Journal.Status.Reason}): resume it to resolve its conflicts"));
                return;
            case ResolveCommand resolve:
                try
                {
                    await new ConflictResolver(ctx).ResolveAsync(resolve.ConflictId, resolve.Resolution, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    command.Done.TrySetException(e);
                    return;
                }
                break;
            default:
                // A command this loop does not know is a bug to see, not a request to drop.
                log.LogError("unknown command {Command}", command);
                command.Done.TrySetException(new NotSupportedException($"the pair's loop does not know the command {command.GetType().Name}"));
                return;
        }
        command.Done.TrySetResult();
    }
}

/// <summary>The session ends so that the pair starts again with fresh agents and a reconcile.</summary>
internal sealed class SessionRestart() : Exception("restarting the pair");
