namespace Psync.Engine.Transfer;

/// <summary>
/// Which extra rsync options a pair may run with (psync -x, a pair's rsyncExtra in the API): none
/// that would undo how Psync stages, commits and guards its writes, and none that reads or writes a
/// file outside the two trees or starts another program (an API user must not reach the appliance's
/// files through rsync). The CLI, the API and the form all ask this one class.
/// </summary>
public static class RsyncExtraPolicy
{
    private const string UndoesStaging = "Psync stages every transfer and guards deletes itself, and this option would undo that";

    private const string ReachesOutside = "it reads or writes files outside the synced trees, or runs another program, on the appliance or the right host";

    private static readonly Dictionary<string, string> RefusedLong = new(StringComparer.Ordinal)
    {
        ["del"] = UndoesStaging, ["inplace"] = UndoesStaging, ["from0"] = UndoesStaging, ["relative"] = UndoesStaging,
        ["partial"] = UndoesStaging, ["dry-run"] = UndoesStaging, ["list-only"] = UndoesStaging, ["remove-sent-files"] = UndoesStaging,
        ["remove-source-files"] = UndoesStaging,
        ["files-from"] = ReachesOutside, ["copy-dest"] = ReachesOutside, ["link-dest"] = ReachesOutside, ["compare-dest"] = ReachesOutside,
        ["rsh"] = ReachesOutside, ["rsync-path"] = ReachesOutside, ["temp-dir"] = ReachesOutside, ["partial-dir"] = ReachesOutside,
        ["read-batch"] = ReachesOutside, ["write-batch"] = ReachesOutside, ["only-write-batch"] = ReachesOutside,
        ["log-file"] = ReachesOutside, ["write-devices"] = ReachesOutside, ["exclude-from"] = ReachesOutside, ["include-from"] = ReachesOutside,
        ["password-file"] = ReachesOutside, ["config"] = ReachesOutside, ["daemon"] = ReachesOutside, ["early-input"] = ReachesOutside,
        ["remote-option"] = ReachesOutside, ["dparam"] = ReachesOutside,
    };

    /// <summary>Prefixes of refused long options: every --delete-*, --append-* and --backup* (a --backup-dir writes where it likes).</summary>
    private static readonly (string Prefix, string Reason)[] RefusedLongPrefixes = [("delete", UndoesStaging), ("append", UndoesStaging), ("backup", ReachesOutside)];

    /// <summary>
    /// Short options: -R relative, -T temp-dir, -b backup, -0 from0, -n dry-run, -P partial (a file cut off
    /// mid-transfer would be staged under its name, as if complete); -e rsh and -M remote-option reach outside.
    /// </summary>
    private static readonly Dictionary<char, string> RefusedShort = new()
    {
        ['R'] = UndoesStaging, ['T'] = ReachesOutside, ['b'] = ReachesOutside, ['0'] = UndoesStaging, ['n'] = UndoesStaging, ['P'] = UndoesStaging,
        ['e'] = ReachesOutside, ['M'] = ReachesOutside,
    };

    /// <summary>Short options whose value follows in the same argument (-B1024): the rest of the argument is not options.</summary>
    private const string ShortWithValue = "Bf@";

    /// <summary>Why <paramref name="word"/> (one argument) is not allowed; null when it is.</summary>
    public static string? Refusal(string word)
    {
        if (word.StartsWith("--", StringComparison.Ordinal))
        {
            var name = word[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            var value = eq >= 0 ? name[(eq + 1)..] : null;
            if (eq >= 0)
            {
                name = name[..eq];
            }
            if (name.Length == 0)
            {
                return Refused(word, null, UndoesStaging);
            }
            var reason = RefusedLong.GetValueOrDefault(name)
                ?? RefusedLongPrefixes.Where(p => name.StartsWith(p.Prefix, StringComparison.Ordinal)).Select(p => p.Reason).FirstOrDefault();
            if (reason is not null)
            {
                return Refused(word, null, reason);
            }
            return name == "filter" && value is not null && ReadsAFile(value) ? Refused(word, null, ReachesOutside) : null;
        }
        if (word.Length < 2 || word[0] != '-')
        {
            return null;
        }
        for (var i = 1; i < word.Length; i++)
        {
            var c = word[i];
            if (RefusedShort.TryGetValue(c, out var reason))
            {
                return Refused(word, c, reason);
            }
            if (ShortWithValue.Contains(c, StringComparison.Ordinal))
            {
                return c == 'f' && ReadsAFile(word[(i + 1)..]) ? Refused(word, c, ReachesOutside) : null;
            }
        }
        return null;
    }

    /// <summary>A filter rule that merges rules from a file named by path (". FILE", "merge FILE"); a per-directory merge (":") reads inside the tree.</summary>
    private static bool ReadsAFile(string rule)
    {
        rule = rule.TrimStart();
        return rule.StartsWith('.') || rule.StartsWith("merge", StringComparison.Ordinal);
    }

    private static string Refused(string word, char? letter, string reason) =>
        $"rsync option '{(letter is { } c && word.Length > 2 ? $"-{c}' (in '{word}')" : word + "'")} is not allowed: {reason}";
}
