using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>What a pair is doing, in one word.</summary>
public enum PairState
{
    /// <summary>Starting its agents (and deploying them, for a remote side).</summary>
    Starting,

    /// <summary>Scanning both trees and merging them with the index.</summary>
    Reconciling,

    /// <summary>Nothing pending or running: both trees agree as far as it knows.</summary>
    Idle,

    /// <summary>Carrying out a plan.</summary>
    Syncing,

    /// <summary>Stopped by a guard or by a person; <see cref="PairStatus.Reason"/> says why.</summary>
    Paused,

    /// <summary>Outside its sync window (<see cref="PairOptions.BandwidthWindows"/> says <c>off</c>): changes are collected, nothing syncs until <see cref="PairStatus.WindowOpens"/>.</summary>
    Waiting,

    /// <summary>The session failed (an agent went away, a host unreachable) and starts again after a delay; <see cref="PairStatus.Reason"/> says why.</summary>
    Error,

    /// <summary>Not running.</summary>
    Stopped,
}

/// <summary>What a pair is doing now.</summary>
/// <param name="State">Starting, reconciling, idle, syncing, paused, waiting for its window, in error, or stopped.</param>
/// <param name="Reason">Why it is paused, waiting or in error.</param>
/// <param name="Since">Since when it is in this state.</param>
/// <param name="LastSync">When it was last idle after syncing.</param>
/// <param name="AwaitsDeleteConfirmation">Paused by the delete guard: <see cref="SyncPair.ConfirmDeletes"/> lets the held plan go ahead.</param>
/// <param name="WindowOpens">While <see cref="PairState.Waiting"/>: when its sync window opens.</param>
public sealed record PairStatus(PairState State, string? Reason, DateTimeOffset Since, DateTimeOffset? LastSync, bool AwaitsDeleteConfirmation = false, DateTimeOffset? WindowOpens = null)
{
    /// <summary>True when the pair is <see cref="PairState.Idle"/>.</summary>
    public bool IsIdle => State == PairState.Idle;
}

/// <summary>One operation waiting or running.</summary>
/// <param name="Kind">transfer, delete, mkdir, move, symlink, attr, conflict.</param>
/// <param name="Target">The side it changes.</param>
/// <param name="Path">The relative path.</param>
/// <param name="Running">Started (for a transfer: its rsync batch runs).</param>
/// <param name="Progress">For a running transfer, how far its batch is (0 to 1), as rsync reports it.</param>
public sealed record QueueItem(EventKind Kind, Side Target, string Path, bool Running, double? Progress = null);

/// <summary>One thing that happened, for the event history.</summary>
/// <param name="Time">When it finished.</param>
/// <param name="Kind">transfer, delete, mkdir, move, symlink, attr, conflict, reconcile, error, pause, …</param>
/// <param name="Target">The side that was changed (null for pair-wide events).</param>
/// <param name="Path">The relative path (empty for pair-wide events).</param>
/// <param name="Detail">Why, or what went wrong.</param>
/// <param name="Duration">How long it took.</param>
public sealed record HistoryEvent(DateTimeOffset Time, EventKind Kind, Side? Target, string Path, string Detail, TimeSpan Duration)
{
    /// <summary>One line for logs: time, kind, target side, path, detail.</summary>
    public override string ToString() =>
        $"{Time:HH:mm:ss.fff} {Kind.Name(),-9} {(Target is { } t ? "→ " + t.Name() : ""),-8} {PathCodec.Display(Path)} {Detail}".TrimEnd();
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
    bool Resolved)
{
    /// <summary>The <see cref="ConflictCopy"/> of a conflict that the pair's policy settled: the loser went to its side's trash.</summary>
    public const string InTrash = ".psync/trash";

    /// <summary>Where each side's version lives now: the loser's in its conflict copy, the winner's at the name (null: in the trash).</summary>
    public string? VersionPath(Side side) => side != Loser ? Path : ConflictCopy == InTrash ? null : ConflictCopy;
}

/// <summary>How a person settles a conflict.</summary>
public enum ConflictResolution
{
    /// <summary>The left version stays under the name; the other copy goes to the trash on both sides.</summary>
    KeepLeft,

    /// <summary>The right version stays under the name; the other copy goes to the trash on both sides.</summary>
    KeepRight,

    /// <summary>Both files stay as they are; the conflict is marked resolved.</summary>
    KeepBoth,
}

/// <summary>What subscribers are told; read the pair's properties for the details.</summary>
public enum PairNotification
{
    /// <summary><see cref="SyncPair.Status"/> changed.</summary>
    Status,

    /// <summary><see cref="SyncPair.Queue"/> changed.</summary>
    Queue,

    /// <summary>An event was added to <see cref="SyncPair.History"/>.</summary>
    History,

    /// <summary><see cref="SyncPair.Conflicts"/> changed.</summary>
    Conflicts,

    /// <summary><see cref="SyncPair.Progress"/> or <see cref="SyncPair.Totals"/> changed.</summary>
    Progress,
}

/// <summary>A deleted or replaced version kept in one side's <c>.psync/trash/</c>.</summary>
/// <param name="Side">The side whose trash holds it.</param>
/// <param name="Id">Its name in the trash; pass it to <see cref="SyncPair.RestoreAsync"/>.</param>
/// <param name="OriginalPath">The relative path it had; null when the trash log has no record of it.</param>
/// <param name="Trashed">When it went to the trash.</param>
/// <param name="State">What it is there: kind, size, mtime, mode (a directory holds its whole tree).</param>
public sealed record TrashEntry(Side Side, string Id, string? OriginalPath, DateTimeOffset Trashed, FileState State);

/// <summary>What <see cref="SyncPair.RestoreAsync"/> did.</summary>
/// <param name="Side">The side it was restored on; it syncs to the other side from there.</param>
/// <param name="TrashId">The trash entry that was restored (it is no longer in the trash).</param>
/// <param name="OriginalPath">The path it had when it went to the trash.</param>
/// <param name="RestoredPath">Where it is now: <paramref name="OriginalPath"/>, or, when that was taken, <c>name.psync-restored-YYYYMMDD-HHMMSS.ext</c> beside it.</param>
/// <param name="State">Its state at <paramref name="RestoredPath"/>.</param>
public sealed record RestoreResult(Side Side, string TrashId, string OriginalPath, string RestoredPath, FileState State)
{
    /// <summary>True when the original path was taken and the version was restored beside it.</summary>
    public bool Renamed => RestoredPath != OriginalPath;
}

/// <summary>How big each side's tree is, per <see cref="SyncPair.Totals"/>.</summary>
/// <param name="Left">The left tree: what the index holds, the paths both sides agree on.</param>
/// <param name="Right">The right tree, likewise. Both read the same index; a change not synced yet counts once it is.</param>
/// <param name="Time">When the figures were read.</param>
public sealed record PairTotals(Index.TreeTotals Left, Index.TreeTotals Right, DateTimeOffset Time);

/// <summary>One delete the delete guard holds (see <see cref="SyncPair.HeldDeletes"/>).</summary>
/// <param name="Lost">The side on which the path is gone; the held delete would remove it on the other side, which still has it.</param>
/// <param name="Path">The relative path.</param>
/// <param name="Kind">What the other side still has there (file, directory, symlink).</param>
public sealed record HeldDelete(Side Lost, string Path, EntryKind Kind);
