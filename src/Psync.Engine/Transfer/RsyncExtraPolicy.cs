namespace Psync.Engine.Transfer;

/// <summary>
/// Which extra rsync options a pair may run with (psync -x, a pair's rsyncExtra in the API):
/// none that would undo how Psync stages, commits and guards its writes.
/// </summary>
public static class RsyncExtraPolicy
{
    private static readonly string[] RefusedLong =
    [
        "del", "remove-source-files", "remove-sent-files", "inplace", "files-from", "from0", "relative",
        "copy-dest", "link-dest", "compare-dest", "rsh", "temp-dir", "partial", "partial-dir",
        "read-batch", "write-batch", "only-write-batch", "dry-run", "list-only",
    ];

    private static readonly string[] RefusedLongPrefixes = ["delete", "append", "backup"];

    /// <summary>
    /// Short options that would break staging: -R relative, -e rsh, -T temp-dir, -b backup, -0 from0,
    /// -n dry-run, -P partial (a file cut off mid-transfer would be staged under its name, as if complete).
    /// </summary>
    private const string RefusedShort = "ReTb0nP";

    /// <summary>Short options whose value follows in the same argument (-B1024): the rest of the argument is not options.</summary>
    private const string ShortWithValue = "BfM@";

    /// <summary>Why <paramref name="word"/> (one argument) is not allowed; null when it is.</summary>
    public static string? Refusal(string word)
    {
        if (word.StartsWith("--", StringComparison.Ordinal))
        {
            var name = word[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                name = name[..eq];
            }
            return name.Length == 0 || RefusedLong.Contains(name) || RefusedLongPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) ? Refused(word) : null;
        }
        if (word.Length < 2 || word[0] != '-')
        {
            return null;
        }
        foreach (var c in word.AsSpan(1))
        {
            if (RefusedShort.Contains(c, StringComparison.Ordinal))
            {
                return Refused(word, c);
            }
            if (ShortWithValue.Contains(c, StringComparison.Ordinal))
            {
                return null;
            }
        }
        return null;
    }

    private static string Refused(string word, char? letter = null) =>
        $"rsync option '{(letter is { } c && word.Length > 2 ? $"-{c}' (in '{word}')" : word + "'")} is not allowed: "
            + "Psync stages every transfer and guards deletes itself, and this option would undo that";
}
