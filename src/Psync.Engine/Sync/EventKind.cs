namespace Psync.Engine.Sync;

/// <summary>
/// What a history event (and a queue item) is about. History stores and filters it by its lowercase
/// name (<see cref="EventKinds.Name"/>); the UI's filter, the API and the metrics all derive from this
/// type, so a new kind shows up everywhere or fails to compile.
/// </summary>
public enum EventKind
{
    /// <summary>A file sent to the other side.</summary>
    Transfer,

    /// <summary>One rsync run and what it moved.</summary>
    Batch,

    /// <summary>A directory made on the other side.</summary>
    Mkdir,

    /// <summary>A symlink made on the other side.</summary>
    Symlink,

    /// <summary>Mode or mtime set on the other side.</summary>
    Attr,

    /// <summary>A path deleted on the other side (kept in its trash).</summary>
    Delete,

    /// <summary>A rename applied on the other side.</summary>
    Move,

    /// <summary>Both sides changed a path: both versions were kept.</summary>
    Conflict,

    /// <summary>A one-way mode undid a change the right made on its own (a delete is restored; in mirror, what the right had is in its trash).</summary>
    Reverted,

    /// <summary>A person settled a conflict.</summary>
    Resolved,

    /// <summary>Something deleted on one side was kept, because the other side still holds files there.</summary>
    Kept,

    /// <summary>A path changed while it was planned; it is planned again.</summary>
    Changed,

    /// <summary>A path that is not synced, with the reason (a special file, a name too long).</summary>
    Skip,

    /// <summary>Both sides already agree (a queue item only).</summary>
    Agree,

    /// <summary>Something failed; it is retried.</summary>
    Error,

    /// <summary>Something to look at that did not stop the pair.</summary>
    Warning,

    /// <summary>The pair paused (a person, or a guard).</summary>
    Pause,

    /// <summary>The pair resumed.</summary>
    Resume,

    /// <summary>Both trees were scanned and merged with the index.</summary>
    Reconcile,

    /// <summary>An agent asked for a rescan (its events overflowed).</summary>
    Rescan,

    /// <summary>A step of connecting to the right host.</summary>
    Connect,

    /// <summary>Old trash and stage entries removed.</summary>
    Purge,

    /// <summary>A trash entry put back.</summary>
    Restore,
}

/// <summary>The names of <see cref="EventKind"/>s.</summary>
public static class EventKinds
{
    /// <summary>Every kind, in declaration order.</summary>
    public static IReadOnlyList<EventKind> All { get; } = Enum.GetValues<EventKind>();

    /// <summary>The lowercase name history stores, e.g. <c>transfer</c>.</summary>
    public static string Name(this EventKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The kind named <paramref name="name"/> (as <see cref="Name"/> writes it).</summary>
    public static bool TryParse(string name, out EventKind kind)
    {
        foreach (var candidate in All)
        {
            if (candidate.Name() == name)
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }
}
