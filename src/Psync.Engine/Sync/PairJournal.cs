using Psync.Engine.Conflicts;
using Psync.Engine.Index;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// What a pair shows the world: status, queue, recent history, counters and conflicts. Written
/// by the pair's loop, read from any thread; subscribers are called outside the lock.
/// </summary>
internal sealed class PairJournal(TimeProvider clock, int historySize = 2000)
{
    private readonly Lock _lock = new();
    private readonly Queue<HistoryEvent> _history = new();
    private readonly List<ConflictRecord> _conflicts = [];
    private readonly List<Action<PairNotification>> _subscribers = [];
    private IReadOnlyList<QueueItem> _queue = [];
    private PairStatus _status = new(PairState.Starting, null, clock.GetUtcNow(), null);
    private long _files, _bytes, _rsyncRuns, _deletes, _moves, _conflictCount, _errors, _reconciles;
    private long _nextConflictId;
    private ConflictStore? _store;
    private readonly OutOfSyncRegistry _outOfSync = new(clock);
    private PairTotals? _totals;
    private ProgressTracker? _progress;

    /// <summary>The current run's progress; subscribers hear <see cref="PairNotification.Progress"/>.</summary>
    public ProgressTracker Progress => LazyInitializer.EnsureInitialized(ref _progress, () => new ProgressTracker(clock, () => Notify(PairNotification.Progress)));

    public PairTotals? Totals
    {
        get
        {
            lock (_lock)
            {
                return _totals;
            }
        }
    }

    /// <summary>The index's totals after a reconcile or a plan; subscribers hear <see cref="PairNotification.Progress"/> when they changed.</summary>
    public void SetTotals(TreeTotals agreed)
    {
        lock (_lock)
        {
            if (_totals is { } t && t.Left == agreed)
            {
                return;
            }
            _totals = new PairTotals(agreed, agreed, clock.GetUtcNow());
        }
        Notify(PairNotification.Progress);
    }

    public PairStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    public IReadOnlyList<QueueItem> Queue
    {
        get
        {
            lock (_lock)
            {
                return _queue;
            }
        }
    }

    public IReadOnlyList<HistoryEvent> History
    {
        get
        {
            lock (_lock)
            {
                return [.. _history];
            }
        }
    }

    public IReadOnlyList<ConflictRecord> Conflicts
    {
        get
        {
            lock (_lock)
            {
                return [.. _conflicts];
            }
        }
    }

    public PairCounters Counters
    {
        get
        {
            lock (_lock)
            {
                return new PairCounters(_files, _bytes, _rsyncRuns, _deletes, _moves, _conflictCount, _errors, _reconciles);
            }
        }
    }

    /// <summary>The paths known not to have converged (open conflicts are added by <see cref="SyncPair.OutOfSync"/>).</summary>
    public IReadOnlyList<OutOfSyncItem> OutOfSync => _outOfSync.Items;

    /// <summary>True when any path is listed as out of sync (cheaper than <see cref="OutOfSync"/>).</summary>
    public bool HasOutOfSync => _outOfSync.Count > 0;

    /// <summary>Lists <paramref name="path"/> as out of sync; a change of the list is told as <see cref="PairNotification.Status"/>.</summary>
    public void OutOfSyncFound(string path, OutOfSyncReason reason, Side? side, string detail, int attempts = 0, TimeSpan? retryIn = null) =>
        NotifyIf(_outOfSync.Note(path, reason, side, detail, attempts, retryIn));

    /// <summary><paramref name="path"/> converged: it leaves the out-of-sync list.</summary>
    public void Converged(string path) => NotifyIf(_outOfSync.Converged(path));

    /// <summary><paramref name="path"/> and all below it converged (deleted on both sides).</summary>
    public void ConvergedTree(string path) => NotifyIf(_outOfSync.ConvergedTree(path));

    /// <summary>A reconcile of <paramref name="subtree"/> begins: it finds again the directories still unreadable.</summary>
    public void ForgetUnreadable(string subtree) => NotifyIf(_outOfSync.ForgetUnreadable(subtree));

    /// <summary>A session starts with a reconcile of the whole tree: it lists again what is still out of sync.</summary>
    public void ForgetOutOfSync() => NotifyIf(_outOfSync.Clear());

    private void NotifyIf(bool changed)
    {
        if (changed)
        {
            Notify(PairNotification.Status);
        }
    }

    /// <summary>Raised for every history event, outside the lock (the CLI prints, the web app stores).</summary>
    public event Action<HistoryEvent>? Recorded;

    public IDisposable Subscribe(Action<PairNotification> callback)
    {
        lock (_lock)
        {
            _subscribers.Add(callback);
        }
        return new Subscription(this, callback);
    }

    public void SetStatus(PairState state, string? reason = null, bool awaitsDeleteConfirmation = false, DateTimeOffset? windowOpens = null)
    {
        lock (_lock)
        {
            if (_status.State == state && _status.Reason == reason && _status.AwaitsDeleteConfirmation == awaitsDeleteConfirmation && _status.WindowOpens == windowOpens)
            {
                return;
            }
            var lastSync = state == PairState.Idle && _status.State != PairState.Idle ? clock.GetUtcNow() : _status.LastSync;
            _status = new PairStatus(state, reason, clock.GetUtcNow(), lastSync, awaitsDeleteConfirmation, windowOpens);
        }
        if (state is not (PairState.Syncing or PairState.Reconciling or PairState.Starting))
        {
            // Idle, paused, waiting, failed or stopped: the run of plans is over.
            Progress.Finish();
        }
        Notify(PairNotification.Status);
    }

    public void SetQueue(IReadOnlyList<QueueItem> queue)
    {
        lock (_lock)
        {
            _queue = queue;
        }
        Notify(PairNotification.Queue);
    }

    /// <summary>Records an event; errors and reconciles count as they happen. A delete or move counts only through <see cref="RecordApplied"/>.</summary>
    public void Record(EventKind kind, Side? target, string path, string detail, TimeSpan duration = default) =>
        Append(new HistoryEvent(clock.GetUtcNow(), kind, target, path, detail, duration), applied: false);

    /// <summary>Records a delete or move that an agent applied, and counts it (a dry run's plan is recorded with <see cref="Record"/>: it counts nothing).</summary>
    public void RecordApplied(EventKind kind, Side target, string path, string detail) =>
        Append(new HistoryEvent(clock.GetUtcNow(), kind, target, path, detail, default), applied: true);

    private void Append(HistoryEvent e, bool applied)
    {
        lock (_lock)
        {
            _history.Enqueue(e);
            while (_history.Count > historySize)
            {
                _history.Dequeue();
            }
            switch (e.Kind)
            {
                case EventKind.Delete when applied:
                    _deletes++;
                    break;
                case EventKind.Move when applied:
                    _moves++;
                    break;
                case EventKind.Error:
                    _errors++;
                    break;
                case EventKind.Reconcile:
                    _reconciles++;
                    break;
            }
        }
        Recorded?.Invoke(e);
        Notify(PairNotification.History);
    }

    public void CountTransfer(int files, long bytes)
    {
        lock (_lock)
        {
            _files += files;
            _bytes += bytes;
            _rsyncRuns++;
        }
    }

    /// <summary>Keeps conflicts in <paramref name="store"/> from now on, after loading the ones it holds. Once per pair.</summary>
    public void Attach(ConflictStore store)
    {
        lock (_lock)
        {
            if (_store is not null)
            {
                store.Dispose();
                return;
            }
            _store = store;
            _conflicts.InsertRange(0, store.All());
        }
        Notify(PairNotification.Conflicts);
    }

    public void Detach()
    {
        lock (_lock)
        {
            _store?.Dispose();
            _store = null;
        }
    }

    public ConflictRecord AddConflict(string path, FileState left, FileState right, Side loser, string copy)
    {
        ConflictRecord record;
        lock (_lock)
        {
            record = _store?.Add(path, left, right, loser, copy, clock.GetUtcNow())
                ?? new ConflictRecord(++_nextConflictId, path, left, right, loser, copy, clock.GetUtcNow(), Resolved: false);
            _conflicts.Add(record);
            _conflictCount++;
        }
        Notify(PairNotification.Conflicts);
        return record;
    }

    public ConflictRecord? MarkResolved(long id)
    {
        ConflictRecord? record;
        lock (_lock)
        {
            var i = _conflicts.FindIndex(c => c.Id == id);
            if (i < 0)
            {
                return null;
            }
            record = _conflicts[i] = _conflicts[i] with { Resolved = true };
            _store?.MarkResolved(id);
        }
        Notify(PairNotification.Conflicts);
        return record;
    }

    private void Notify(PairNotification what)
    {
        Action<PairNotification>[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }
        foreach (var subscriber in subscribers)
        {
            subscriber(what);
        }
    }

    private sealed class Subscription(PairJournal journal, Action<PairNotification> callback) : IDisposable
    {
        public void Dispose()
        {
            lock (journal._lock)
            {
                journal._subscribers.Remove(callback);
            }
        }
    }
}
