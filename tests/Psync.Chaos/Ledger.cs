using System.Text;
using System.Text.RegularExpressions;

namespace Psync.Chaos;

/// <summary>
/// What makes "nothing lost" checkable. Every version the workload writes carries a unique
/// marker (in the file's bytes, or in a symlink's target). Before the workload deletes,
/// overwrites, truncates or renames over something, it reads the markers there: those versions
/// were thrown away on that side by the person working there. A version must still exist at
/// the end (in a tree, in a conflict copy, or in a trash) unless it was thrown away on every side
/// where it was seen: on the side that wrote it, and on the other side if the workload there
/// saw it. Where the sync moved a file meanwhile does not matter: versions are found by marker.
/// </summary>
internal sealed partial class Ledger
{
    private readonly Dictionary<string, Sides> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Sides> _destroyed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _next;

    [Flags]
    private enum Sides { None = 0, L = 1, R = 2 }

    /// <summary>Versions the workload wrote in full.</summary>
    public long VersionsWritten { get; private set; }

    /// <summary>A marker no other version carries.</summary>
    public string NewMarker(char side) => $"<v{Interlocked.Increment(ref _next)}{side}>";

    /// <summary>The workload wrote the version <paramref name="marker"/> on <paramref name="side"/>, in full.</summary>
    public void Wrote(char side, string marker)
    {
        lock (_gate)
        {
            _seen[marker] = Bit(side);
            VersionsWritten++;
        }
    }

    /// <summary>The workload on <paramref name="side"/> threw these versions away there (they were in what it deleted or overwrote).</summary>
    public void Destroyed(char side, IEnumerable<string> markers)
    {
        lock (_gate)
        {
            foreach (var marker in markers)
            {
                _seen[marker] = _seen.GetValueOrDefault(marker) | Bit(side);
                _destroyed[marker] = _destroyed.GetValueOrDefault(marker) | Bit(side);
            }
        }
    }

    /// <summary>The versions that must exist at the end: those not thrown away on every side where they were seen.</summary>
    public IReadOnlyList<string> Required()
    {
        lock (_gate)
        {
            return [.. _seen.Where(e => (e.Value & ~_destroyed.GetValueOrDefault(e.Key)) != Sides.None).Select(e => e.Key)];
        }
    }

    /// <summary>The markers in a file's bytes or a symlink's target; none when it is not there (or is a directory).</summary>
    public static IEnumerable<string> In(string path)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                AddMarkers(target, found);
            }
            else if (info.Exists)
            {
                AddMarkers(Encoding.Latin1.GetString(File.ReadAllBytes(path)), found);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone meanwhile
        }
        return found;
    }

    private static Sides Bit(char side) => side == 'L' ? Sides.L : Sides.R;

    /// <summary>Every marker found under the roots: in the trees, conflict copies included, and in each side's trash.</summary>
    public static HashSet<string> Found(params string[] roots)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            Collect(root, root, found);
        }
        return found;
    }

    private static void Collect(string root, string dir, HashSet<string> found)
    {
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }))
        {
            var rel = Path.GetRelativePath(root, entry.FullName);
            // .psync holds the trash (versions kept) and the staging area (copies in flight, not versions).
            if (rel.StartsWith(".psync/", StringComparison.Ordinal) && rel != ".psync/trash" && !rel.StartsWith(".psync/trash/", StringComparison.Ordinal))
            {
                continue;
            }
            if (entry.LinkTarget is { } target)
            {
                AddMarkers(target, found);
            }
            else if (entry is DirectoryInfo)
            {
                Collect(root, entry.FullName, found);
            }
            else if (entry is FileInfo file)
            {
                AddMarkers(Encoding.Latin1.GetString(File.ReadAllBytes(file.FullName)), found);
            }
        }
    }

    private static void AddMarkers(string text, HashSet<string> found)
    {
        foreach (Match m in MarkerPattern().Matches(text))
        {
            found.Add(m.Value);
        }
    }

    [GeneratedRegex(@"<v\d+[LR]>")]
    private static partial Regex MarkerPattern();
}
