using System.ComponentModel.DataAnnotations;
using Psync.Engine;
using Psync.Engine.Sync;
using Psync.Protocol;
using Psync.Web.Data;

namespace Psync.Web.Pairs;

/// <summary>A pair as the API and the UI show it: its configuration and, live, what it is doing.</summary>
public sealed record PairResource(
    int Id,
    string Name,
    string LeftRoot,
    string RightRoot,
    int? HostId,
    IReadOnlyList<string> Excludes,
    IReadOnlyList<string> Tempfiles,
    IReadOnlyList<string> RsyncExtra,
    bool DryRun,
    bool Force,
    bool SkipInitialSync,
    int HoldMilliseconds,
    int TrashDays,
    double MaxDeleteShare,
    bool Paused,
    PairStatusResource Status,
    string Mode,
    int BandwidthLimit = 0,
    IReadOnlyList<string>? BandwidthWindows = null,
    bool Xattrs = false,
    bool Acls = false,
    bool Durable = true,
    string Conflicts = "ask");

/// <param name="State">starting, reconciling, idle, syncing, paused, waiting (outside its sync window), error, stopped.</param>
/// <param name="Reason">Why it is paused, waiting or failing.</param>
/// <param name="Since">Since when it is in this state.</param>
/// <param name="LastSync">When it was last idle after syncing.</param>
/// <param name="QueueLength">Operations pending or running.</param>
/// <param name="OpenConflicts">Conflicts nobody resolved yet.</param>
/// <param name="BytesPerSecond">File data sent over the last few seconds.</param>
/// <param name="Counters">Totals since the pair started.</param>
/// <param name="AwaitsDeleteConfirmation">Paused by the delete guard: resume with <c>confirmDeletes=true</c> to let the held plan go ahead.</param>
/// <param name="WindowOpens">While waiting: when its sync window opens.</param>
/// <param name="Totals">How big each tree is (files, directories, symlinks, bytes), as the pair's state index knows it; null before its first start.</param>
/// <param name="Progress">The current run of plans (or the last one, finished): files and bytes committed of those planned, rate, time left.</param>
public sealed record PairStatusResource(
    string State,
    string? Reason,
    DateTimeOffset Since,
    DateTimeOffset? LastSync,
    int QueueLength,
    int OpenConflicts,
    double BytesPerSecond,
    PairCounters Counters,
    bool AwaitsDeleteConfirmation = false,
    DateTimeOffset? WindowOpens = null,
    PairTotals? Totals = null,
    ProgressResource? Progress = null);

/// <param name="Files">Files to send in this run.</param>
/// <param name="FilesDone">Files committed so far.</param>
/// <param name="Bytes">Their bytes.</param>
/// <param name="BytesDone">The committed files' bytes.</param>
/// <param name="Fraction">0 to 1, by bytes (by files when there are none).</param>
/// <param name="BytesPerSecond">Bytes committed per second over the run.</param>
/// <param name="SecondsLeft">Time left at that rate; null while unknown.</param>
/// <param name="Started">When the run started.</param>
/// <param name="Finished">The run is over (the pair went idle, paused or stopped).</param>
public sealed record ProgressResource(long Files, long FilesDone, long Bytes, long BytesDone, double Fraction, double BytesPerSecond, double? SecondsLeft, DateTimeOffset Started, bool Finished)
{
    public static ProgressResource From(PlanProgress p) =>
        new(p.Files, p.FilesDone, p.Bytes, p.BytesDone, p.Fraction, p.BytesPerSecond, p.Remaining?.TotalSeconds, p.Started, p.Finished);
}

/// <summary>What a pair's creation or edit carries; omitted options keep psync's defaults. The limits are the engine's (PairOptions).</summary>
public sealed record PairRequest(
    string? Name,
    string? LeftRoot,
    string? RightRoot,
    int? HostId = null,
    IReadOnlyList<string>? Excludes = null,
    IReadOnlyList<string>? Tempfiles = null,
    IReadOnlyList<string>? RsyncExtra = null,
    bool? DryRun = null,
    bool? Force = null,
    bool? SkipInitialSync = null,
    [property: Range(0, PairOptions.MaxDeleteHoldMilliseconds)] int? HoldMilliseconds = null,
    [property: Range(0, PairOptions.MaxTrashRetentionDays)] int? TrashDays = null,
    [property: Range(0.0, 1.0, MinimumIsExclusive = true)] double? MaxDeleteShare = null,
    bool? Paused = null,
    string? Mode = null,
    [property: Range(0, PairOptions.MaxBandwidthLimit)] int? BandwidthLimit = null,
    [property: MaxLength(PairOptions.MaxBandwidthWindows)] IReadOnlyList<string>? BandwidthWindows = null,
    bool? Xattrs = null,
    bool? Acls = null,
    bool? Durable = null,
    string? Conflicts = null);

/// <param name="Kind">transfer, delete, mkdir, move, symlink, attr, conflict.</param>
/// <param name="Target">left or right: the side it changes.</param>
/// <param name="Path">The relative path.</param>
/// <param name="Running">Started.</param>
/// <param name="Progress">For a running transfer, how far its rsync batch is (0 to 1).</param>
public sealed record QueueItemResource(string Kind, string Target, string Path, bool Running, double? Progress = null)
{
    public static QueueItemResource From(QueueItem item) => new(item.Kind.Name(), item.Target.Name(), PathCodec.Display(item.Path), item.Running, item.Progress);
}

public sealed record EventResource(long Id, int PairId, DateTimeOffset Time, string Kind, string? Side, string Path, string Detail, double DurationMs)
{
    public static EventResource From(EventEntity e) => new(e.Id, e.PairId, e.Time, e.Kind, e.Side, e.Path, e.Detail, e.DurationMs);
}

/// <summary>A conflict as the pair's own store (the engine's conflicts.db) has it.</summary>
/// <param name="Id">The pair and the store's id in one number (<see cref="ApiId"/>), for <c>/conflicts/{id}/resolve</c>.</param>
/// <param name="PairId">The pair.</param>
/// <param name="Path">The path both sides changed.</param>
/// <param name="ConflictCopy">Where the losing version was kept.</param>
/// <param name="Loser">left or right: whose version became the copy.</param>
/// <param name="Left">The left version as it was.</param>
/// <param name="Right">The right version as it was.</param>
/// <param name="Time">When it happened.</param>
/// <param name="Resolved">A person settled it.</param>
public sealed record ConflictResource(long Id, int PairId, string Path, string ConflictCopy, string Loser, string Left, string Right, DateTimeOffset Time, bool Resolved)
{
    public static ConflictResource From(int pairId, ConflictRecord c) =>
        new(ApiId(pairId, c.Id), pairId, PathCodec.Display(c.Path), PathCodec.Display(c.ConflictCopy), c.Loser.Name(), c.Left.ToString(), c.Right.ToString(), c.Time, c.Resolved);

    /// <summary>A conflict's id in the API: the pair's id in the high 32 bits, the pair's store's id in the low ones.</summary>
    public static long ApiId(int pairId, long storeId) => ((long)pairId << 32) | (storeId & uint.MaxValue);

    /// <summary>The pair and the store's id of an API id.</summary>
    public static (int PairId, long StoreId) FromApiId(long id) => ((int)(id >> 32), id & uint.MaxValue);
}

/// <param name="Resolution">keepLeft, keepRight or keepBoth.</param>
public sealed record ResolveRequest(string? Resolution);

/// <param name="Side">left or right: where the entry is.</param>
/// <param name="Id">The entry's name in that side's <c>.psync/trash/</c>.</param>
/// <param name="OriginalPath">Where it was (null when the trash log lost it).</param>
/// <param name="Trashed">When it was moved to the trash.</param>
/// <param name="State">What it is (kind, size, mtime).</param>
public sealed record TrashResource(string Side, string Id, string? OriginalPath, DateTimeOffset Trashed, string State)
{
    public static TrashResource From(TrashEntry e) => new(e.Side.Name(), e.Id, e.OriginalPath is null ? null : PathCodec.Display(e.OriginalPath), e.Trashed, e.State.ToString());
}

/// <param name="Side">left or right.</param>
/// <param name="Id">The trash entry's id.</param>
public sealed record RestoreRequest(string? Side, string? Id);

/// <param name="RestoredPath">Where it is now: its old path, or beside it when that was taken.</param>
/// <param name="Renamed">True when the old path was taken.</param>
/// <param name="Side">left or right.</param>
public sealed record RestoreResource(string Side, string RestoredPath, bool Renamed);

public sealed record VerifyResult(bool Identical, long LeftCount, long RightCount, IReadOnlyList<DifferenceResource> Differences);

public sealed record DifferenceResource(string Path, string Kind, string Detail);
