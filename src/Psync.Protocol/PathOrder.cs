namespace Psync.Protocol;

/// <summary>
/// The one order in which scans are streamed and the index is walked: component by component,
/// ordinal within a component. It equals a depth-first pre-order walk with siblings sorted
/// ordinally, so a directory comes right before its contents ("a", "a/x", "a-c").
/// </summary>
public sealed class PathOrder : IComparer<string>
{
    public static readonly PathOrder Instance = new();

    private PathOrder()
    {
    }

    public int Compare(string? x, string? y) => CompareSpans(x, y);

    /// <summary>Compares two relative paths; '/' sorts below every other character.</summary>
    public static int CompareSpans(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var n = Math.Min(a.Length, b.Length);
        var i = a[..n].CommonPrefixLength(b[..n]);
        if (i == n)
        {
            return a.Length.CompareTo(b.Length);
        }
        var ca = a[i];
        var cb = b[i];
        if (ca == '/')
        {
            return -1;
        }
        if (cb == '/')
        {
            return 1;
        }
        return ca.CompareTo(cb);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="dir"/> or lies below it.</summary>
    public static bool IsSameOrBelow(string path, string dir) =>
        dir.Length == 0 || path == dir || (path.Length > dir.Length && path[dir.Length] == '/' && path.StartsWith(dir, StringComparison.Ordinal));
}
