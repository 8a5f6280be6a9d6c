using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>Why a path has not converged: the vocabulary of <see cref="SyncPair.OutOfSync"/>.</summary>
public enum OutOfSyncReason
{
    /// <summary>An operation on it failed (the detail is rsync's or the agent's message); it is retried ever less often, and a person can retry it now.</summary>
    Error,

    /// <summary>A directory the agent cannot list: what is below it is neither synced nor taken as deleted.</summary>
    Unreadable,

    /// <summary>A device, FIFO or socket: not synced.</summary>
    SpecialFile,

    /// <summary>Its path is longer than rsync can name.</summary>
    NameTooLong,

    /// <summary>Both sides changed it and a person has not chosen yet (an open conflict; both versions are kept).</summary>
    Conflict,
}

/// <summary>Names of <see cref="OutOfSyncReason"/> for the API and the UI.</summary>
public static class OutOfSyncReasons
{
    /// <summary>The reason as the API names it (camelCase).</summary>
    public static string Name(this OutOfSyncReason reason) => reason switch
    {
        OutOfSyncReason.Error => "error",
        OutOfSyncReason.Unreadable => "unreadable",
        OutOfSyncReason.SpecialFile => "specialFile",
        OutOfSyncReason.NameTooLong => "nameTooLong",
        _ => "conflict",
    };

    /// <summary>The reason in a few words for a person.</summary>
    public static string Describe(this OutOfSyncReason reason) => reason switch
    {
        OutOfSyncReason.Error => "error, retrying",
        OutOfSyncReason.Unreadable => "unreadable",
        OutOfSyncReason.SpecialFile => "special file",
        OutOfSyncReason.NameTooLong => "name too long",
        _ => "conflict open",
    };
}

/// <summary>A path the pair knows it has not converged, and why.</summary>
/// <param name="Path">The relative path (raw; show it with <see cref="PathCodec.Display"/>).</param>
/// <param name="Reason">Why it is out of sync.</param>
/// <param name="Side">The side the failure or the finding is on; null when it concerns both.</param>
/// <param name="Detail">The last error text (rsync's or the agent's) or what the engine found.</param>
/// <param name="Since">When it was first found out of sync (since it last converged).</param>
/// <param name="Last">When that was last found (the last failed attempt).</param>
/// <param name="Attempts">For <see cref="OutOfSyncReason.Error"/>, the failed attempts in a row.</param>
/// <param name="NextRetry">For <see cref="OutOfSyncReason.Error"/>, when it is tried again by itself (the retry backoff).</param>
public sealed record OutOfSyncItem(string Path, OutOfSyncReason Reason, Side? Side, string Detail, DateTimeOffset Since, DateTimeOffset Last, int Attempts = 0, DateTimeOffset? NextRetry = null);

/// <summary>
/// The one registry of paths that have not converged, fed where the executor already decides an
/// outcome (a failure and its retry, a skip, an unreadable directory) and emptied where the index
/// records an agreement or a delete. Open conflicts are not copied here: they stay in the conflict
/// store, and <see cref="SyncPair.OutOfSync"/> adds them when read. Thread-safe; it outlives sessions.
/// </summary>
internal sealed class OutOfSyncRegistry(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, OutOfSyncItem> _items = new(StringComparer.Ordinal);

    /// <summary>How many paths are listed.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Every listed path, in <see cref="PathOrder"/>.</summary>
    public IReadOnlyList<OutOfSyncItem> Items
    {
        get
        {
            lock (_lock)
            {
                return [.. _items.Values.OrderBy(i => i.Path, PathOrder.Instance)];
            }
        }
    }

    /// <summary>Lists (or updates) <paramref name="path"/>; the first time it was found stays. True when that changed what is listed.</summary>
    public bool Note(string path, OutOfSyncReason reason, Side? side, string detail, int attempts = 0, TimeSpan? retryIn = null)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            var since = _items.TryGetValue(path, out var old) ? old.Since : now;
            _items[path] = new OutOfSyncItem(path, reason, side, detail, since, now, attempts, retryIn is { } delay ? now + delay : null);
            return old is null || old.Reason != reason || old.Detail != detail || old.Side != side || old.Attempts != attempts;
        }
    }

    /// <summary><paramref name="path"/> converged (the index agrees, or it is gone on both sides). True when it was listed.</summary>
    public bool Converged(string path)
    {
        lock (_lock)
        {
            return _items.Count > 0 && _items.Remove(path);
        }
    }

    /// <summary><paramref name="path"/> and all below it converged (a delete applied). True when any was listed.</summary>
    public bool ConvergedTree(string path) => RemoveWhere(i => PathOrder.IsSameOrBelow(i.Path, path));

    /// <summary>Forgets the unreadable directories at or below <paramref name="subtree"/>: a reconcile of it finds the ones still unreadable again.</summary>
    public bool ForgetUnreadable(string subtree) => RemoveWhere(i => i.Reason == OutOfSyncReason.Unreadable && PathOrder.IsSameOrBelow(i.Path, subtree));

    /// <summary>Forgets every path: a session starts over with a reconcile, which finds again what is still out of sync (and not what went away meanwhile).</summary>
    public bool Clear() => RemoveWhere(_ => true);

    private bool RemoveWhere(Func<OutOfSyncItem, bool> which)
    {
        lock (_lock)
        {
            if (_items.Count == 0)
            {
                return false;
            }
            var gone = _items.Values.Where(which).Select(i => i.Path).ToList();
            foreach (var path in gone)
            {
                _items.Remove(path);
            }
            return gone.Count > 0;
        }
    }
}
