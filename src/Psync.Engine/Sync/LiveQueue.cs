using Psync.Engine.Planning;

namespace Psync.Engine.Sync;

/// <summary>
/// The plan as the journal shows it: items leave when their phase is done, transfers show as
/// running with their batch's progress (at most four updates a second, so a burst of small
/// files does not flood subscribers).
/// </summary>
internal sealed class LiveQueue
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);
    private readonly Lock _lock = new();
    private readonly PairJournal _journal;
    private readonly TimeProvider _clock;
    private readonly Dictionary<SyncAction, QueueItem> _items;
    private long _lastProgress;

    public LiveQueue(PairJournal journal, TimeProvider clock, IEnumerable<SyncAction> plan)
    {
        (_journal, _clock) = (journal, clock);
        // By reference: two equal actions of one plan are still two items.
        _items = new Dictionary<SyncAction, QueueItem>(ReferenceEqualityComparer.Instance);
        foreach (var action in plan)
        {
            _items[action] = new QueueItem(action.KindOf(), action.TargetOf() ?? Side.Right, action.Path, Running: false);
        }
        Publish();
    }

    public void Start(IEnumerable<SyncAction> actions) => Update(actions, item => item with { Running = true, Progress = 0 });

    public void Progress(IEnumerable<SyncAction> actions, int percent)
    {
        lock (_lock)
        {
            if (percent < 100 && _clock.GetElapsedTime(_lastProgress) < MinInterval)
            {
                return;
            }
            _lastProgress = _clock.GetTimestamp();
        }
        Update(actions, item => item with { Progress = percent / 100.0 });
    }

    public void Finish(IEnumerable<SyncAction> actions)
    {
        lock (_lock)
        {
            foreach (var action in actions)
            {
                _items.Remove(action);
            }
        }
        Publish();
    }

    private void Update(IEnumerable<SyncAction> actions, Func<QueueItem, QueueItem> change)
    {
        lock (_lock)
        {
            foreach (var action in actions)
            {
                if (_items.TryGetValue(action, out var item))
                {
                    _items[action] = change(item);
                }
            }
        }
        Publish();
    }

    private void Publish()
    {
        QueueItem[] snapshot;
        lock (_lock)
        {
            snapshot = [.. _items.Values];
        }
        _journal.SetQueue(snapshot);
    }
}
