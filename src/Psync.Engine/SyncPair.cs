using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Psync.Engine.Agents;
using Psync.Engine.Conflicts;
using Psync.Engine.Index;
using Psync.Engine.Remote;
using Psync.Engine.Transfer;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine;

/// <summary>
/// One sync pair: keeps <see cref="PairOptions.LeftRoot"/> and <see cref="PairOptions.RightRoot"/>
/// identical in both directions. The web app and the CLI both drive pairs through this class.
/// </summary>
public sealed class SyncPair : IAsyncDisposable
{
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(15);

    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly TimeProvider _clock;
    private readonly PairJournal _journal;
    private readonly Channel<InboxItem> _inbox = Channel.CreateUnbounded<InboxItem>();
    private readonly Lock _idleLock = new();
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _generation;
    private volatile PairContext? _live;

    private volatile IReadOnlyList<HeldDelete> _held = [];
    private volatile RemoteLink? _link;
    private volatile TrafficCounter? _traffic;

    /// <summary>How often a remote pair's agent is asked for the round-trip time, and how long it may take to answer before the link counts as down.</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5), ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A person's pause and its reason: it outlasts a reconnect (every session starts paused while it is set).</summary>
    private volatile string? _pausedBy;

    /// <summary>A pair that does nothing until <see cref="RunAsync"/>; <paramref name="clock"/> drives its holds, retries and reconcile timer (a fake one in tests).</summary>
    public SyncPair(PairOptions options, ILoggerFactory? loggers = null, TimeProvider? clock = null)
    {
        Options = options;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _log = _loggers.CreateLogger<SyncPair>();
        _clock = clock ?? TimeProvider.System;
        _journal = new PairJournal(_clock);
    }

    /// <summary>What the pair was created with (validated when it runs).</summary>
    public PairOptions Options { get; }

    /// <summary>
    /// The seam at the process boundary: how the agent for a side's root is started. The default runs
    /// psync-agent; tests connect an in-memory agent that speaks the same protocol (local pairs only).
    /// </summary>
    internal Func<Side, string, AgentConnection>? AgentStarter { get; init; }

    /// <summary>What the pair is doing now.</summary>
    public PairStatus Status => _journal.Status;

    /// <summary>
    /// While the delete guard holds a plan (<see cref="PairStatus.AwaitsDeleteConfirmation"/>): each delete it
    /// holds, by path order, with the side that lost the path; empty otherwise. <see cref="ConfirmDeletes"/>
    /// lets them go ahead, <see cref="RestoreHeldDeletesAsync"/> copies them back.
    /// </summary>
    public IReadOnlyList<HeldDelete> HeldDeletes => _held;

    /// <summary>
    /// For a remote pair, its connection to the right host: connected or not and since when, the agent's
    /// version and build, the last round-trip time and the bytes on the agent's channel; null for a local
    /// pair, and before the first attempt to connect.
    /// </summary>
    public RemoteLink? Link => _link is { Connected: true } link && _traffic is { } traffic
        ? link with { BytesSent = traffic.Sent, BytesReceived = traffic.Received }
        : _link;

    /// <summary>Running totals since the pair was created.</summary>
    public PairCounters Counters => _journal.Counters;

    /// <summary>
    /// How big each tree is, as the state index knows it: kept by the index as the engine records
    /// every commit, delete and move, read after each reconcile and plan (never a rescan). Null until
    /// the first session opened the index.
    /// </summary>
    public PairTotals? Totals => _journal.Totals;

    /// <summary>How far the current run of plans is (files and bytes committed of those planned, rate, time left), or the last run, finished; null before the first transfer.</summary>
    public PlanProgress? Progress => _journal.Progress.Current;

    /// <summary>Operations pending and running now.</summary>
    public IReadOnlyList<QueueItem> Queue => _journal.Queue;

    /// <summary>The most recent history events (the newest last).</summary>
    public IReadOnlyList<HistoryEvent> History => _journal.History;

    /// <summary>The conflicts recorded (in the pair's <c>conflicts.db</c>), settled ones included, oldest first.</summary>
    public IReadOnlyList<ConflictRecord> Conflicts => _journal.Conflicts;

    /// <summary>
    /// Every path the pair knows has not converged, in path order: failures waiting for their retry
    /// (with rsync's or the agent's last message), unreadable directories, special files, paths too
    /// long for rsync, and open conflicts. A path leaves the list when it converges. A change of the
    /// list is told to <see cref="Subscribe"/>rs as <see cref="PairNotification.Status"/>.
    /// </summary>
    public IReadOnlyList<OutOfSyncItem> OutOfSync =>
        [.. _journal.OutOfSync.Concat(_journal.Conflicts.Where(c => !c.Resolved).Select(c => new OutOfSyncItem(
                c.Path, OutOfSyncReason.Conflict, null, $"both sides changed it; the {c.Loser.Name()} version is kept as {PathCodec.Display(c.ConflictCopy)}", c.Time, c.Time)))
            .OrderBy(i => i.Path, PathOrder.Instance)];

    /// <summary>
    /// Tries <paramref name="path"/> (null: every out-of-sync path) again now: its retry backoff ends
    /// and it is reconciled (scanned on both sides and planned again). Runs in the pair's loop.
    /// </summary>
    /// <exception cref="PairNotRunningException">No session is running, or a person paused the pair.</exception>
    public async Task RetryOutOfSyncAsync(string? path, CancellationToken ct)
    {
        if (_live is null || _pausedBy is not null)
        {
            throw NotRunning();
        }
        var command = new RetryCommand(path);
        Send(command);
        await command.Done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// What the pair knows of <paramref name="path"/>: its state on each side as the running
    /// session's agents read it now (not read when none runs), its index row, the exclude or
    /// tempfile pattern that leaves it out, and why it is out of sync. Does not wait for the loop.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not a relative path inside the roots (see <see cref="PathProblem"/>).</exception>
    /// <exception cref="Agents.AgentException">An agent went away while reading.</exception>
    public Task<PathInspection> InspectAsync(string path, CancellationToken ct) =>
        PathProblem(path, rootAllowed: false) is { } problem ? throw new ArgumentException(problem, nameof(path))
            : PathInspector.InspectAsync(Options, _live, OutOfSync, path, ct);

    /// <summary>The children of directory <paramref name="path"/> ("" for the root) on both sides, as the running session's agents list them.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not a relative path inside the roots.</exception>
    /// <exception cref="PairNotRunningException">No session is running.</exception>
    /// <exception cref="Agents.AgentException">An agent could not list it, or went away.</exception>
    public Task<BrowseListing> BrowseAsync(string path, CancellationToken ct) =>
        PathProblem(path, rootAllowed: true) is { } problem ? throw new ArgumentException(problem, nameof(path))
            : PathInspector.BrowseAsync(_live ?? throw NotRunning(), path, ct);

    /// <summary>Why <paramref name="path"/> is not a relative path inside the roots (absolute, '.', '..' or empty components, NUL); null when it is. "" is the root, allowed with <paramref name="rootAllowed"/>.</summary>
    public static string? PathProblem(string path, bool rootAllowed) => PathInspector.Problem(path, rootAllowed);

    /// <summary>Raised for each history event as it happens (outside any lock).</summary>
    public event Action<HistoryEvent>? Recorded
    {
        add => _journal.Recorded += value;
        remove => _journal.Recorded -= value;
    }

    /// <summary>Calls <paramref name="onChange"/> (never under a lock) when status, queue, history or conflicts change. Dispose to stop.</summary>
    public IDisposable Subscribe(Action<PairNotification> onChange) => _journal.Subscribe(onChange);

    /// <summary>Starts both agents, reconciles (unless <see cref="PairOptions.SkipInitialSync"/>), then syncs changes until <paramref name="ct"/> is cancelled. An agent that fails is restarted with backoff, and the pair reconciles after each restart.</summary>
    /// <exception cref="PairException">The pair cannot start (agent missing, remote not supported, bad pattern).</exception>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await RunSessionsAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            // No session will take what is still queued: answer it rather than leave it waiting.
            while (_inbox.Reader.TryRead(out var item))
            {
                Refuse(item, "the pair stopped");
            }
        }
    }

    private async Task RunSessionsAsync(CancellationToken ct)
    {
        var reconcile = !Options.SkipInitialSync;
        var attempt = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(watch: true, reconcile, once: false, ct).ConfigureAwait(false);
                attempt = 0;
            }
            catch (SessionRestart)
            {
                attempt = 0;
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is not PairException)
            {
                // Stopping: an agent that went away meanwhile (its pipe closed by the stop) is no error.
                break;
            }
            catch (Exception e) when (e is not PairException)
            {
                // An agent went away, or something unforeseen: the session ends, nothing is
                // assumed, and the next one starts from fresh agents and a reconcile.
                attempt++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(attempt, 7))));
                _journal.Record(EventKind.Error, null, "", e.Message);
                LinkDown(e.Message);
                var again = Options.RemoteHost is null ? "restarting" : "reconnecting";
                _journal.SetStatus(PairState.Error, $"{again} (attempt {attempt}, next in {delay.TotalSeconds:F1}s): {e.Message}");
                await Task.Delay(delay, _clock, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            reconcile = true; // after any restart, events may have been missed
        }
        _journal.SetStatus(PairState.Stopped);
    }

    /// <summary>psync -s: starts, reconciles both trees once, applies the plan, and returns (the status says whether a guard paused it).</summary>
    public async Task SyncOnceAsync(CancellationToken ct)
    {
        await RunSessionAsync(watch: false, reconcile: true, once: true, ct).ConfigureAwait(false);
    }

    /// <summary>Completes when nothing is pending or running (or the pair is paused, or waits for its sync window).</summary>
    public Task WaitIdleAsync(CancellationToken ct)
    {
        lock (_idleLock)
        {
            return _idle.Task.WaitAsync(ct);
        }
    }

    /// <summary>Pauses the pair for <paramref name="reason"/> (a person's): nothing syncs, the agents stay connected (trash, verify), until <see cref="Resume"/>.</summary>
    public void Pause(string reason)
    {
        _pausedBy = reason;
        // Shown at once; the loop takes the command before it plans anything else.
        _journal.SetStatus(PairState.Paused, reason);
        Send(new PauseCommand(reason));
    }

    /// <summary>True while a person's pause (<see cref="Pause"/>) is in force: the pair syncs nothing and refuses restores and resolutions until resumed.</summary>
    public bool PausedByPerson => _pausedBy is not null;

    /// <summary>Ends a pause (a person's, or a guard's) and reconciles.</summary>
    public void Resume()
    {
        _pausedBy = null;
        Send(new ResumeCommand());
    }

    /// <summary>Scans both trees and merges them with the index, as at start.</summary>
    public void RequestReconcile() => Send(new ReconcileCommand());

    /// <summary>
    /// Reconciles now and completes when the pair is idle after that reconcile: what was changed in
    /// either tree before the call has been synced (<c>sync flush</c>, for scripts and backups). It
    /// runs through the pair's loop, after the batch in progress. A path whose sync keeps failing keeps
    /// the pair from idle (it is retried), so give <paramref name="ct"/> a deadline.
    /// </summary>
    /// <exception cref="PairNotRunningException">
    /// No session is running (stopped, starting, restarting), the pair is paused (by a person, the
    /// delete guard or a root gone) or outside its sync window, or it became so, or its session
    /// ended, before it was idle; the message says which.
    /// </exception>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_live is null || _pausedBy is not null)
        {
            throw NotRunning();
        }
        var command = new FlushCommand();
        Send(command);
        await command.Done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Lets a plan that a delete guard paused go ahead.</summary>
    public void ConfirmDeletes()
    {
        _pausedBy = null;
        Send(new ConfirmDeletesCommand());
    }

    /// <summary>
    /// Undoes the deletes the delete guard holds (<see cref="HeldDeletes"/>): each path is copied back, from the
    /// side that still has it, to the side that lost it (directories, files and symlinks, with their attributes),
    /// and the pair goes on. Nothing is deleted. Runs on the pair's loop.
    /// </summary>
    /// <exception cref="PairNotRunningException">No session is running.</exception>
    /// <exception cref="InvalidOperationException">The delete guard holds nothing now.</exception>
    public async Task RestoreHeldDeletesAsync(CancellationToken ct)
    {
        if (_live is null)
        {
            throw NotRunning();
        }
        var command = new RestoreHeldCommand();
        Send(command);
        await command.Done.Task.WaitAsync(ct).ConfigureAwait(false);
        _pausedBy = null;
    }

    /// <summary>
    /// Compares both trees as the running session's agents see them (a remote right side too), by
    /// kind, size, mtime, mode and link target. Works while the pair is paused.
    /// </summary>
    /// <exception cref="PairNotRunningException">No session is running (stopped, starting, reconnecting).</exception>
    /// <exception cref="Check.CheckException">An agent failed while scanning.</exception>
    public Task<Check.CheckReport> VerifyAsync(CancellationToken ct)
    {
        var live = _live ?? throw NotRunning();
        return Check.TreeComparer.CompareAsync(live.Agent(Side.Left), Options.LeftRoot, live.Agent(Side.Right), Options.RightRoot, ct);
    }

    /// <summary>Settles conflict <paramref name="id"/> as <paramref name="resolution"/> says; runs in the pair's loop, between two plans.</summary>
    /// <exception cref="PairNotRunningException">No session is running, or a person paused the pair.</exception>
    /// <exception cref="ArgumentException">No conflict has that id.</exception>
    /// <exception cref="InvalidOperationException">A version changed meanwhile; nothing more was done.</exception>
    public async Task ResolveConflictAsync(long id, ConflictResolution resolution, CancellationToken ct)
    {
        var command = new ResolveCommand(id, resolution);
        Send(command);
        await command.Done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The first <paramref name="maxBytes"/> bytes (at most <see cref="ReadHeadOp.Limit"/>) of the
    /// regular file <paramref name="path"/> on <paramref name="side"/>, and its state, read by that
    /// side's agent (confined to the root, no symlink followed): to show a person both versions of a conflict.
    /// </summary>
    /// <remarks>Asks the running session's agent directly, like <see cref="TrashAsync"/>; works while the pair is paused.</remarks>
    /// <exception cref="PairNotRunningException">No session is running (stopped, starting, restarting).</exception>
    /// <exception cref="InvalidOperationException">The path is not a regular file, or cannot be read; the message says why.</exception>
    public async Task<(FileState State, byte[] Head)> ReadHeadAsync(Side side, string path, int maxBytes, CancellationToken ct)
    {
        var live = _live ?? throw NotRunning();
        var result = await live.Agent(side).RunAsync(new ReadHeadOp(path, maxBytes), ct).ConfigureAwait(false);
        return result.Status == OpStatus.Ok && result.Data is { } data
            ? (result.State, Convert.FromBase64String(data))
            : throw new InvalidOperationException(result.Message ?? $"{PathCodec.Display(path)} cannot be read");
    }

    /// <summary>
    /// Lists what <paramref name="side"/>'s trash (<c>.psync/trash/</c>) holds, newest first: the
    /// versions deleted or replaced there, kept for <see cref="PairOptions.TrashRetention"/>.
    /// </summary>
    /// <remarks>Asks the running session's agent directly: a listing changes nothing, so it does not wait behind a batch in progress.</remarks>
    /// <exception cref="PairNotRunningException">No session is running (stopped, starting, restarting, or paused for a missing root), or a person paused the pair.</exception>
    /// <exception cref="Agents.AgentException">The agent could not read its trash, or went away.</exception>
    public async Task<IReadOnlyList<TrashEntry>> TrashAsync(Side side, CancellationToken ct)
    {
        var live = _live is { } running && _pausedBy is null ? running : throw NotRunning();
        var items = await live.Agent(side).ListTrashAsync(ct).ConfigureAwait(false);
        return [.. items
            .Select(i => new TrashEntry(side, i.Id, i.Path, DateTimeOffset.FromUnixTimeMilliseconds(i.TrashedUnixMs), i.State))
            .OrderByDescending(e => e.Trashed)
            .ThenByDescending(e => e.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Restores the entry <paramref name="trashId"/> of <paramref name="side"/>'s trash to the path it
    /// had, making missing parent directories. Nothing is overwritten: when that path is taken, it is
    /// restored beside it as <c>name.psync-restored-YYYYMMDD-HHMMSS.ext</c>. The restored version is a
    /// new file on that side and syncs to the other side as usual; a "restore" event is recorded.
    /// Runs on the pair's loop, after the batch in progress.
    /// </summary>
    /// <exception cref="PairNotRunningException">No session is running (stopped, starting, restarting, or paused for a missing root).</exception>
    /// <exception cref="InvalidOperationException">The entry cannot be restored (no such entry, not a plain trash id, no recorded path, a dry run).</exception>
    /// <exception cref="ArgumentException"><paramref name="trashId"/> holds a lone surrogate, which no file name can have.</exception>
    public async Task<RestoreResult> RestoreAsync(Side side, string trashId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trashId);
        if (_live is null)
        {
            throw NotRunning();
        }
        var request = new RestoreRequest(side, trashId);
        if (!_inbox.Writer.TryWrite(request))
        {
            throw NotRunning();
        }
        return await request.Done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private PairNotRunningException NotRunning() =>
        new($"the pair {Options.Name} is not running ({Status.State}{(Status.Reason is { } reason ? $": {reason}" : "")}); start or resume it first");

    /// <summary>Answers a request that no session will handle.</summary>
    private static void Refuse(InboxItem item, string why)
    {
        switch (item)
        {
            case RestoreRequest request:
                request.Done.TrySetException(new PairNotRunningException(why));
                break;
            case PairCommand command:
                command.Done.TrySetException(new PairNotRunningException(why));
                break;
        }
    }

    /// <summary>Stops taking commands and releases the pair's stores; stop <see cref="RunAsync"/> first.</summary>
    public ValueTask DisposeAsync()
    {
        _inbox.Writer.TryComplete();
        _journal.Detach();
        return ValueTask.CompletedTask;
    }

    /// <summary>Queues a command for the pair's loop (tests send ones the loop does not know).</summary>
    internal void Send(PairCommand command) => _inbox.Writer.TryWrite(command);

    private void SetIdle(bool idle)
    {
        lock (_idleLock)
        {
            if (idle)
            {
                _idle.TrySetResult();
            }
            else if (_idle.Task.IsCompleted)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task RunSessionAsync(bool watch, bool reconcile, bool once, CancellationToken ct)
    {
        SetIdle(false);
        if (Options.Validate() is { Count: > 0 } problems)
        {
            // Options stored before a rule tightened (a pattern that needs backtracking) stop here, not in an agent.
            throw new PairException($"the pair's options cannot be used: {string.Join(" ", problems.SelectMany(p => p.Value))}");
        }
        // The same root rule as the API's and the form's (without the appliance's own folders, which the engine does not know).
        if ((RootPolicy.Default.LocalRefusal(Options.LeftRoot) ?? (Options.RemoteHost is null ? RootPolicy.Default.LocalRefusal(Options.RightRoot) : RootPolicy.Default.RemoteRefusal(Options.RightRoot))) is { } refusal)
        {
            throw new PairException(refusal);
        }
        _journal.SetStatus(PairState.Starting);
        var agentPath = AgentStarter is null ? LocalAgent.Locate(Options.AgentPath) : "";
        await using var left = Start(agentPath, Options.LeftRoot, Side.Left);
        await using var remote = Options.RemoteHost is null ? null : await RemoteSide.ConnectAsync(
            Options, agentPath, step => _journal.Record(EventKind.Connect, Side.Right, "", step),
            line => _log.LogWarning("right agent: {Line}", line), ct).ConfigureAwait(false);
        await using var localRight = remote is null ? Start(agentPath, Options.RightRoot, Side.Right) : null;
        var right = remote?.Agent ?? localRight!;
        foreach (var (side, agent) in new[] { (Side.Left, left), (Side.Right, right) })
        {
            var hello = await agent.HelloAsync(HelloTimeout, ct).ConfigureAwait(false);
            if (side == Side.Right && remote is not null)
            {
                _traffic = remote.Traffic;
                _link = new RemoteLink(true, _clock.GetUtcNow(), hello.AgentVersion, remote.Runtime, null, 0, 0);
            }
            if (hello.Protocol != Message.ProtocolVersion)
            {
                throw new PairException($"the {side.Name()} agent speaks protocol {hello.Protocol}, this engine {Message.ProtocolVersion}");
            }
            if (!hello.RootExists || !hello.RootWritable)
            {
                var reason = $"the {side.Name()} root {hello.Root} {(hello.RootExists ? "is not writable" : "does not exist")}";
                _journal.SetStatus(PairState.Paused, reason);
                _journal.Record(EventKind.Pause, side, "", reason);
                SetIdle(true);
                if (once)
                {
                    return;
                }
                await WaitForResumeAsync(ct).ConfigureAwait(false);
                throw new SessionRestart();
            }
            await agent.ConfigureAsync(Options.Excludes, Options.Tempfiles, ct, Options.Xattrs).ConfigureAwait(false);
        }
        using var index = StateIndex.Open(Path.Combine(Options.DataDir, "index.db"));
        _journal.Attach(ConflictStore.Open(Options.DataDir));
        // Local sides pull through the agent program (Rsync.Arguments); a fake agent has none.
        var shell = agentPath.Length > 0 ? agentPath : null;
        var context = new PairContext(Options, left, right, new RsyncEndpoint(Options.LeftRoot) { Shell = shell }, remote?.Endpoint ?? new RsyncEndpoint(Options.RightRoot) { Shell = shell },
            index, new ChangeSet(_clock, Options.DeleteHold), _journal, _clock);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var generation = Interlocked.Increment(ref _generation);
        var pumps = new List<Task>();
        try
        {
            if (watch)
            {
                await StartWatchAsync(left, Side.Left, generation, pumps, stop.Token).ConfigureAwait(false);
                await StartWatchAsync(right, Side.Right, generation, pumps, stop.Token).ConfigureAwait(false);
            }
            else
            {
                // No changes come, but the agents' horizons and logs still go through the inbox.
                pumps.Add(PumpAsync(left, Side.Left, generation, null, stop.Token));
                pumps.Add(PumpAsync(right, Side.Right, generation, null, stop.Token));
            }
            _held = [];
            if (remote is not null)
            {
                pumps.Add(ProbeAsync(remote.Agent, stop.Token));
            }
            var session = new PairSession(context, _inbox.Reader, generation, _log) { IdleChanged = SetIdle, PausedBy = _pausedBy, HeldChanged = held => _held = held };
            _live = context;
            await session.RunAsync(reconcile, once, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            _live = null;
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pumps).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (remote is not null)
            {
                LinkDown(ct.IsCancellationRequested ? "the pair stopped" : "the connection ended");
            }
        }
    }

    /// <summary>Asks the remote agent for a stat of its root now and then: the answer's delay is the round-trip time, and no answer in time marks the link down until one comes.</summary>
    private async Task ProbeAsync(AgentConnection agent, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var start = _clock.GetTimestamp();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                await agent.RunAsync(new StatOp(""), timeout.Token).ConfigureAwait(false);
                var roundTrip = _clock.GetElapsedTime(start);
                if (_link is { } link)
                {
                    _link = link.Connected ? link with { RoundTrip = roundTrip } : link with { Connected = true, Since = _clock.GetUtcNow(), RoundTrip = roundTrip, Problem = null };
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                LinkDown($"the agent did not answer within {ProbeTimeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is AgentException or IOException or ChannelClosedException)
            {
                return; // the session ends on its own, and says why
            }
            await Task.Delay(ProbeInterval, _clock, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The link is down for <paramref name="problem"/>: since the first moment it was (a retry that fails again keeps that time), with the traffic of the connection that ended.</summary>
    private void LinkDown(string problem)
    {
        if (Options.RemoteHost is null)
        {
            return;
        }
        var link = Link;
        _traffic = null;
        _link = link is { Connected: false }
            ? link with { Problem = problem }
            : new RemoteLink(false, _clock.GetUtcNow(), link?.AgentVersion, link?.Runtime, link?.RoundTrip, link?.BytesSent ?? 0, link?.BytesReceived ?? 0, problem);
    }

    private AgentConnection Start(string agentPath, string root, Side side) =>
        AgentStarter?.Invoke(side, root) ?? LocalAgent.Start(agentPath, root, line => _log.LogWarning("{Side} agent: {Line}", side.Name(), line));

    /// <summary>Starts watching and waits until the watch is in place, so that no change between it and the scan is missed.</summary>
    private async Task StartWatchAsync(AgentConnection agent, Side side, int generation, List<Task> pumps, CancellationToken ct)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pumps.Add(PumpAsync(agent, side, generation, ready, ct));
        await agent.WatchAsync(ct).ConfigureAwait(false);
        await ready.Task.WaitAsync(HelloTimeout, ct).ConfigureAwait(false);
    }

    private async Task PumpAsync(AgentConnection agent, Side side, int generation, TaskCompletionSource? ready, CancellationToken ct)
    {
        Exception? error = null;
        try
        {
            await foreach (var message in agent.Events.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (message is WatchReady)
                {
                    ready?.TrySetResult();
                }
                await _inbox.Writer.WriteAsync(new AgentMessage(generation, side, message), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e) when (e is AgentException or ChannelClosedException)
        {
            error = e;
        }
        ready?.TrySetException(new AgentException($"the {side.Name()} agent went away before its watch was ready", error));
        _inbox.Writer.TryWrite(new AgentGone(generation, side, error));
    }

    private async Task WaitForResumeAsync(CancellationToken ct)
    {
        while (true)
        {
            var item = await _inbox.Reader.ReadAsync(ct).ConfigureAwait(false);
            if (item is ResumeCommand resume)
            {
                resume.Done.TrySetResult();
                return;
            }
            Refuse(item, $"the pair is paused ({Status.Reason}); resume it first");
        }
    }
}

/// <summary>A pair cannot start or go on; the message says why in words a user can act on.</summary>
public sealed class PairException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The request needs a running pair (its live agents), and none is running now.</summary>
public sealed class PairNotRunningException(string message) : InvalidOperationException(message);
