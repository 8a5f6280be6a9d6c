using Psync.Web.Pairs;

namespace Psync.Web.Live;

public enum UpdateKind
{
    /// <summary>State, counters or throughput.</summary>
    Status,
    Queue,
    /// <summary>New history events (they are in <see cref="PairUpdate.Events"/>, already stored).</summary>
    Events,
    Conflicts,
    /// <summary>The pair was added, edited or removed.</summary>
    Config,
}

public sealed record PairUpdate(int PairId, UpdateKind Kind, IReadOnlyList<EventResource> Events);

/// <summary>
/// The in-process notifier: pairs publish, Blazor components and the SignalR relay subscribe.
/// Updates are debounced: a burst becomes one batch per 100 ms, one entry per pair and kind.
/// </summary>
public sealed class LiveUpdates(TimeProvider clock, ILogger<LiveUpdates> log)
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private readonly Dictionary<(int, UpdateKind), List<EventResource>> _pending = [];
    private readonly List<Func<IReadOnlyList<PairUpdate>, Task>> _subscribers = [];
    private bool _flushScheduled;

    /// <summary>Calls <paramref name="handler"/> with each batch (never under a lock). Dispose to stop.</summary>
    public IDisposable Subscribe(Func<IReadOnlyList<PairUpdate>, Task> handler)
    {
        lock (_lock)
        {
            _subscribers.Add(handler);
        }
        return new Subscription(this, handler);
    }

    public void Publish(int pairId, UpdateKind kind, IReadOnlyList<EventResource>? events = null)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue((pairId, kind), out var list))
            {
                _pending[(pairId, kind)] = list = [];
            }
            if (events is not null)
            {
                list.AddRange(events);
            }
            if (_flushScheduled)
            {
                return;
            }
            _flushScheduled = true;
        }
        _ = FlushLaterAsync();
    }

    private async Task FlushLaterAsync()
    {
        await Task.Delay(Debounce, clock);
        PairUpdate[] batch;
        Func<IReadOnlyList<PairUpdate>, Task>[] subscribers;
        lock (_lock)
        {
            batch = [.. _pending.Select(p => new PairUpdate(p.Key.Item1, p.Key.Item2, p.Value))];
            _pending.Clear();
            _flushScheduled = false;
            subscribers = [.. _subscribers];
        }
        foreach (var subscriber in subscribers)
        {
            try
            {
                await subscriber(batch);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "A live-update subscriber failed");
            }
        }
    }

    private sealed class Subscription(LiveUpdates owner, Func<IReadOnlyList<PairUpdate>, Task> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._subscribers.Remove(handler);
            }
        }
    }
}
