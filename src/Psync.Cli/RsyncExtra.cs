using System.Text;

namespace Psync.Cli;

/// <summary>
/// psync's -x "RSYNC OPTIONS": split like a shell would (whitespace, '...' and "..." quoting,
/// backslash), never run through one, and refused when an option would undo how Psync stages,
/// commits and guards its writes.
/// </summary>
internal static class RsyncExtra
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

    public static IReadOnlyList<string> Parse(string value)
    {
        var words = Split(value);
        foreach (var word in words)
        {
            Check(word);
        }
        return words;
    }

    public static List<string> Split(string value)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == '\'')
            {
                var end = value.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new UsageException($"-x: unterminated ' in \"{value}\"");
                }
                word.Append(value, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                for (i++; ; i++)
                {
                    if (i >= value.Length)
                    {
                        throw new UsageException($"-x: unterminated \" in \"{value}\"");
                    }
                    if (value[i] == '"')
                    {
                        break;
                    }
                    if (value[i] == '\\' && i + 1 < value.Length && value[i + 1] is '"' or '\\')
                    {
                        i++;
                    }
                    word.Append(value[i]);
                }
            }
            else if (c == '\\' && i + 1 < value.Length)
            {
                word.Append(value[++i]);
            }
            else
            {
                word.Append(c);
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    private static void Check(string word)
    {
        if (word.Length < 2 || word[0] != '-')
        {
            throw new UsageException(
                $"-x: '{word}' is not an rsync option (give a value in the same word: --block-size=1024 or -B1024)");
        }
        if (word.StartsWith("--", StringComparison.Ordinal))
        {
            var name = word[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                name = name[..eq];
            }
            if (name.Length == 0 || RefusedLong.Contains(name) || RefusedLongPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            {
                throw Refused(word);
            }
            return;
        }
        foreach (var c in word.AsSpan(1))
        {
            if (RefusedShort.Contains(c, StringComparison.Ordinal))
            {
                throw Refused(word, c);
            }
            if (ShortWithValue.Contains(c, StringComparison.Ordinal))
            {
                return;
            }
        }
    }

    private static UsageException Refused(string word, char? letter = null) =>
        new($"-x: rsync option '{(letter is { } c && word.Length > 2 ? $"-{c}' (in '{word}')" : word + "'")} is not allowed: "
            + "Psync stages every transfer and guards deletes itself, and this option would undo that");
}
