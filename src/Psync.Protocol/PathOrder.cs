namespace Psync.Protocol;

/// <summary>
/// The one order in which scans are streamed and the index is walked: component by component,
/// by the raw bytes of each name. It equals a depth-first pre-order walk with siblings sorted by
/// their bytes, so a directory comes right before its contents ("a", "a/x", "a-c"), and it equals
/// memcmp of <see cref="SortKey"/>, which is how the index stores paths.
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
        if (!char.IsSurrogate(ca) && !char.IsSurrogate(cb))
        {
            // UTF-8 keeps code point order, and below the surrogates UTF-16 does too.
            return ca == '/' ? -1 : cb == '/' ? 1 : ca.CompareTo(cb);
        }
        // An escaped byte or a surrogate pair: compare the exact bytes from the character on.
        var start = i > 0 && char.IsHighSurrogate(a[i - 1]) ? i - 1 : i;
        return SortKey(a[start..].ToString()).AsSpan().SequenceCompareTo(SortKey(b[start..].ToString()));
    }

    /// <summary>The path's bytes with '/' as 0, so that memcmp order is <see cref="PathOrder"/> (NUL never occurs in a name).</summary>
    public static byte[] SortKey(string path)
    {
        var bytes = PathCodec.Encode(path);
        bytes.AsSpan().Replace((byte)'/', (byte)0);
        return bytes;
    }

    /// <summary>The inverse of <see cref="SortKey"/>.</summary>
    public static string FromSortKey(ReadOnlySpan<byte> key)
    {
        var bytes = key.ToArray();
        bytes.AsSpan().Replace((byte)0, (byte)'/');
        return PathCodec.Decode(bytes);
    }

    /// <summary>Byte order of raw names, for sorting one directory's entries.</summary>
    public static int CompareNames(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);

    /// <summary>True when <paramref name="path"/> is <paramref name="dir"/> or lies below it.</summary>
    public static bool IsSameOrBelow(string path, string dir) =>
        dir.Length == 0 || path == dir || (path.Length > dir.Length && path[dir.Length] == '/' && path.StartsWith(dir, StringComparison.Ordinal));
}
