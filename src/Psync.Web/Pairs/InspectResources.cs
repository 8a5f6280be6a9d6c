using Psync.Engine.Index;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Web.Pairs;

/// <summary>A path the pair has not converged.</summary>
/// <param name="Path">The relative path, printable (odd bytes as \xNN).</param>
/// <param name="Reason">error, unreadable, specialFile, nameTooLong or conflict.</param>
/// <param name="Side">left or right: where it failed or was found; null for both.</param>
/// <param name="Detail">The last error text (rsync's or the agent's) or what the engine found.</param>
/// <param name="Since">First found out of sync.</param>
/// <param name="Last">Last found so (the last failed attempt).</param>
/// <param name="Attempts">Failed attempts in a row (reason error).</param>
/// <param name="NextRetry">When it is tried again by itself (reason error).</param>
public sealed record OutOfSyncResource(string Path, string Reason, string? Side, string Detail, DateTimeOffset Since, DateTimeOffset Last, int Attempts, DateTimeOffset? NextRetry)
{
    public static OutOfSyncResource From(OutOfSyncItem i) =>
        new(PathCodec.Display(i.Path), i.Reason.Name(), i.Side?.Name(), i.Detail, i.Since, i.Last, i.Attempts, i.NextRetry);
}

/// <param name="Path">One path (as GET /out-of-sync shows it) to retry; omitted: every out-of-sync path.</param>
public sealed record RetryRequest(string? Path = null);

/// <param name="Retried">How many listed paths the retry covered (a path not listed is reconciled all the same).</param>
public sealed record RetryResource(int Retried);

/// <summary>One side's state of a path, as its agent reads it (lstat).</summary>
/// <param name="Kind">absent, file, directory, symlink or special.</param>
/// <param name="Size">Bytes (files).</param>
/// <param name="Modified">The mtime.</param>
/// <param name="Mode">Permission bits in octal, e.g. 0644.</param>
/// <param name="Owner">uid:gid.</param>
/// <param name="LinkTarget">A symlink's target.</param>
public sealed record PathStateResource(string Kind, long? Size, DateTimeOffset? Modified, string? Mode, string? Owner, string? LinkTarget)
{
    public static PathStateResource From(FileState s) => s.Kind switch
    {
        EntryKind.Absent => new("absent", null, null, null, null, null),
        _ => new(KindName(s.Kind), s.Kind == EntryKind.File ? s.Size : null, DateTimeOffset.UnixEpoch.AddTicks(s.MtimeNs / 100),
            s.Kind == EntryKind.Symlink ? null : "0" + Convert.ToString(s.Mode & 0xFFF, 8),
            s.Kind == EntryKind.Symlink || s.Uid == FileState.NoOwner ? null : $"{s.Uid}:{s.Gid}", s.LinkTarget),
    };

    public static string KindName(EntryKind kind) => kind switch
    {
        EntryKind.Absent => "absent",
        EntryKind.File => "file",
        EntryKind.Directory => "directory",
        EntryKind.Symlink => "symlink",
        _ => "special",
    };
}

/// <param name="Pattern">The pattern as configured.</param>
/// <param name="Kind">exclude or tempfile.</param>
/// <param name="MatchedPath">What it matched: the path or a directory above it.</param>
public sealed record FilterResource(string Pattern, string Kind, string MatchedPath)
{
    public static FilterResource From(PatternMatch m) => new(m.Pattern, m.Tempfile ? "tempfile" : "exclude", PathCodec.Display(m.MatchedPath));
}

/// <param name="Left">The left state both sides last agreed on.</param>
/// <param name="Right">The right one (same content; its own inode, mode, owner).</param>
public sealed record IndexRowResource(PathStateResource Left, PathStateResource Right)
{
    public static IndexRowResource From(IndexEntry e) => new(PathStateResource.From(e.Left), PathStateResource.From(e.Right));
}

/// <summary>What the pair knows of one path.</summary>
/// <param name="Path">The path, printable.</param>
/// <param name="Running">False when the pair's session is not running: the sides were not read.</param>
/// <param name="Left">The left agent's answer; null when not read.</param>
/// <param name="Right">The right agent's answer; null when not read.</param>
/// <param name="LeftError">Why the left agent could not read it.</param>
/// <param name="RightError">Why the right agent could not read it.</param>
/// <param name="Index">The state index's row; null when it has none.</param>
/// <param name="Filter">The exclude or tempfile pattern that leaves it out; null when none does.</param>
/// <param name="OwnArea">.psync and below: the agents' own area, never synced.</param>
/// <param name="OutOfSync">Why it is out of sync, if it is.</param>
/// <param name="Events">Its latest events, newest first.</param>
public sealed record InspectResource(
    string Path, bool Running, PathStateResource? Left, PathStateResource? Right, string? LeftError, string? RightError,
    IndexRowResource? Index, FilterResource? Filter, bool OwnArea, IReadOnlyList<OutOfSyncResource> OutOfSync, IReadOnlyList<EventResource> Events);

/// <param name="Path">The child's path, printable.</param>
/// <param name="Name">Its last component.</param>
/// <param name="Left">Its kind on the left (absent when not there).</param>
/// <param name="Right">Its kind on the right.</param>
public sealed record BrowseEntryResource(string Path, string Name, string Left, string Right)
{
    public bool IsDirectory => Left == "directory" || Right == "directory";

    public static BrowseEntryResource From(BrowseEntry e)
    {
        var path = PathCodec.Display(e.Path);
        return new(path, path[(path.LastIndexOf('/') + 1)..], PathStateResource.KindName(e.Left.Kind), PathStateResource.KindName(e.Right.Kind));
    }
}

/// <param name="Path">The directory ("" for the root).</param>
/// <param name="Entries">Its children on either side (excluded ones are not listed).</param>
/// <param name="Truncated">The listing stopped early: some children may be missing.</param>
public sealed record BrowseResource(string Path, IReadOnlyList<BrowseEntryResource> Entries, bool Truncated);
