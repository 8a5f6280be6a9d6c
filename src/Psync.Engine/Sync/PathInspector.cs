using Psync.Engine.Agents;
using Psync.Engine.Index;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>What the pair knows of one path: <see cref="SyncPair.InspectAsync"/>.</summary>
/// <param name="Path">The relative path.</param>
/// <param name="Running">False when no session runs: the sides were not read.</param>
/// <param name="Left">What the left agent reports (lstat; <see cref="FileState.Absent"/> when not there); null when not read.</param>
/// <param name="Right">What the right agent reports; null when not read.</param>
/// <param name="LeftError">Why the left agent could not read it (its message), if so.</param>
/// <param name="RightError">Why the right agent could not read it, if so.</param>
/// <param name="Index">The last state both sides agreed on; null when the index has none.</param>
/// <param name="Filter">The exclude or tempfile pattern that leaves it out, and what it matched; null when none does.</param>
/// <param name="OwnArea">True for <c>.psync</c> and below: the agents' own area, never synced.</param>
/// <param name="OutOfSync">Why it is out of sync, when it is listed in <see cref="SyncPair.OutOfSync"/>.</param>
public sealed record PathInspection(
    string Path, bool Running, FileState? Left, FileState? Right, string? LeftError, string? RightError,
    IndexEntry? Index, PatternMatch? Filter, bool OwnArea, IReadOnlyList<OutOfSyncItem> OutOfSync);

/// <summary>One entry of a directory as <see cref="SyncPair.BrowseAsync"/> lists it: its state on each side (absent where it is not).</summary>
/// <param name="Path">The relative path.</param>
/// <param name="Left">The left state.</param>
/// <param name="Right">The right state.</param>
public sealed record BrowseEntry(string Path, FileState Left, FileState Right);

/// <summary>A directory's children on both sides, in <see cref="PathOrder"/>.</summary>
/// <param name="Path">The directory ("" for the root).</param>
/// <param name="Entries">Its children on either side (excluded paths are not listed: the agents never read them).</param>
/// <param name="Truncated">The listing stopped at <see cref="PathInspector.BrowseScanLimit"/> scanned entries of a side: some children may be missing.</param>
public sealed record BrowseListing(string Path, IReadOnlyList<BrowseEntry> Entries, bool Truncated);

/// <summary>Reads one path, or one directory level, through the running session's agents (confined to their roots like every read).</summary>
internal static class PathInspector
{
    /// <summary>A listing reads at most this many entries of a side (a directory's children come with what is below them).</summary>
    public const int BrowseScanLimit = 20_000;

    private const string OwnArea = ".psync";

    /// <summary>Why <paramref name="path"/> is not a relative path inside the root (absolute, a '.', '..' or empty component, a NUL); null when it is. The root itself ("") only with <paramref name="rootAllowed"/>.</summary>
    public static string? Problem(string path, bool rootAllowed)
    {
        if (path.Length == 0)
        {
            return rootAllowed ? null : "the path is empty: give a path relative to the pair's roots";
        }
        if (path[0] == '/')
        {
            return "the path is absolute: give it relative to the pair's roots";
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return "a path cannot contain NUL";
        }
        return path.Split('/').Any(p => p is "" or "." or "..")
            ? "the path has an empty, '.' or '..' component: give a normal path inside the roots"
            : null;
    }

    public static async Task<PathInspection> InspectAsync(PairOptions options, PairContext? live, IReadOnlyList<OutOfSyncItem> outOfSync, string path, CancellationToken ct)
    {
        FileState? left = null, right = null;
        string? leftError = null, rightError = null;
        if (live is not null)
        {
            (left, leftError) = await StatAsync(live.Agent(Side.Left), path, ct).ConfigureAwait(false);
            (right, rightError) = await StatAsync(live.Agent(Side.Right), path, ct).ConfigureAwait(false);
        }
        return new PathInspection(path, live is not null, left, right, leftError, rightError, ReadIndex(options, path),
            PathPatterns.Explain(path, options.Excludes, options.Tempfiles), PathOrder.IsSameOrBelow(path, OwnArea),
            [.. outOfSync.Where(i => i.Path == path)]);
    }

    public static async Task<BrowseListing> BrowseAsync(PairContext live, string dir, CancellationToken ct)
    {
        var entries = new SortedDictionary<string, (FileState Left, FileState Right)>(PathOrder.Instance);
        var truncated = false;
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var scanned = 0;
            await foreach (var entry in live.Agent(side).ScanAsync(new ScanSummary(), ct, subtree: dir, limit: BrowseScanLimit).ConfigureAwait(false))
            {
                scanned++;
                if (entry.Path.Length <= dir.Length || !PathOrder.IsSameOrBelow(entry.Path, dir) || entry.Path.IndexOf('/', dir.Length == 0 ? 0 : dir.Length + 1) >= 0)
                {
                    continue; // the directory itself, or deeper down
                }
                var both = entries.GetValueOrDefault(entry.Path);
                entries[entry.Path] = side == Side.Left ? (entry.State, both.Right) : (both.Left, entry.State);
            }
            truncated |= scanned >= BrowseScanLimit;
        }
        return new BrowseListing(dir, [.. entries.Select(e => new BrowseEntry(e.Key, e.Value.Left, e.Value.Right))], truncated);
    }

    private static async Task<(FileState?, string?)> StatAsync(AgentConnection agent, string path, CancellationToken ct)
    {
        var result = await agent.RunAsync(new StatOp(path), ct).ConfigureAwait(false);
        return result.Status == OpStatus.Ok ? (result.State, null) : (null, result.Message ?? "could not read it");
    }

    /// <summary>The index row, read on a connection of its own (WAL lets it read beside the pair's loop); null when the pair has no index yet.</summary>
    private static IndexEntry? ReadIndex(PairOptions options, string path)
    {
        var file = Path.Combine(options.DataDir, "index.db");
        if (!File.Exists(file))
        {
            return null;
        }
        using var index = StateIndex.Open(file);
        return index.Get(path);
    }
}
