using Psync.Protocol;

namespace Psync.Engine.Sync;

public enum PairState
{
    Starting,
    Reconciling,
    Idle,
    Syncing,
    /// <summary>Stopped by a guard or by a person; <see cref="PairStatus.Reason"/> says why.</summary>
    Paused,
    Error,
    Stopped,
}

/// <summary>What a pair is doing now.</summary>
public sealed record PairStatus(PairState State, string? Reason, DateTimeOffset Since, DateTimeOffset? LastSync)
{
    public bool IsIdle => State == PairState.Idle;
}

/// <summary>One operation waiting or running.</summary>
public sealed record QueueItem(string Kind, Side Target, string Path, bool Running);

/// <summary>One thing that happened, for the event history.</summary>
/// <param name="Time">When it finished.</param>
/// <param name="Kind">transfer, delete, mkdir, move, symlink, attr, conflict, reconcile, error, pause, …</param>
/// <param name="Target">The side that was changed (null for pair-wide events).</param>
/// <param name="Path">The relative path (empty for pair-wide events).</param>
/// <param name="Detail">Why, or what went wrong.</param>
/// <param name="Duration">How long it took.</param>
public sealed record HistoryEvent(DateTimeOffset Time, string Kind, Side? Target, string Path, string Detail, TimeSpan Duration)
{
    public override string ToString() =>
        $"{Time:HH:mm:ss.fff} {Kind,-9} {(Target is { } t ? "→ " + t.Name() : ""),-8} {PathCodec.Display(Path)} {Detail}".TrimEnd();
}

/// <summary>Running totals since the pair started.</summary>
public sealed record PairCounters(
    long FilesTransferred,
    long BytesTransferred,
    long RsyncRuns,
    long Deletes,
    long Moves,
    long Conflicts,
    long Errors,
    long Reconciles);

/// <summary>Both versions of a path changed; both were kept.</summary>
public sealed record ConflictRecord(
    long Id,
    string Path,
    FileState Left,
    FileState Right,
    Side Loser,
    string ConflictCopy,
    DateTimeOffset Time,
    bool Resolved);

/// <summary>How a person settles a conflict.</summary>
public enum ConflictResolution
{
    /// <summary>The left version stays under the name; the other copy goes to the trash on both sides.</summary>
    KeepLeft,
    KeepRight,
    /// <summary>Both files stay as they are; the conflict is marked resolved.</summary>
    KeepBoth,
}

/// <summary>What subscribers are told; read the pair's properties for the details.</summary>
public enum PairNotification
{
    Status,
    Queue,
    History,
    Conflicts,
}
