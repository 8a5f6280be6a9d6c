using System.Text.RegularExpressions;

namespace Psync.Protocol;

/// <summary>
/// The one policy for the user's -e (exclude) and -t (tempfile) regexes, used by the agent that
/// applies them and by every validator (CLI, API, check). Patterns run on .NET's non-backtracking
/// engine, in time linear in the path, so no pattern can stall a scan; a pattern that needs
/// backtracking (backreferences, lookarounds, atomic groups) is refused when it is given.
/// </summary>
public static class PathPatterns
{
    /// <summary>How patterns are compiled.</summary>
    public const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>A bound that linear matching never nears on a path; should it be reached, the path counts as matched (fail closed).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The compiled pattern.</summary>
    /// <exception cref="ArgumentException">The pattern is not a valid regex, or cannot run without backtracking; the message says which.</exception>
    public static Regex Compile(string pattern) =>
        Problem(pattern, out var regex) is { } problem ? throw new ArgumentException(problem, nameof(pattern)) : regex!;

    /// <summary>Why <paramref name="pattern"/> cannot be used, in words for the user; null when it can.</summary>
    public static string? Problem(string pattern) => Problem(pattern, out _);

    private static string? Problem(string pattern, out Regex? regex)
    {
        regex = null;
        try
        {
            regex = new Regex(pattern, Options, MatchTimeout);
            return null;
        }
        catch (NotSupportedException e)
        {
            return $"'{pattern}' needs backtracking, which could stall on a long path ({e.Message}): write it without backreferences, lookarounds or atomic groups";
        }
        catch (ArgumentException e)
        {
            return $"'{pattern}' is not a valid regular expression: {e.Message}";
        }
    }

    /// <summary>
    /// Which pattern leaves <paramref name="path"/> out, as the agents apply them: the first of
    /// <paramref name="excludes"/>, then <paramref name="tempfiles"/>, that matches the path or a
    /// directory above it (searched in the path relative to the root). Null when none does. A
    /// pattern that cannot decide in time counts as matching (fail closed, as in the agent).
    /// </summary>
    public static PatternMatch? Explain(string path, IReadOnlyList<string> excludes, IReadOnlyList<string> tempfiles)
    {
        var candidates = new List<string>();
        for (var i = path.IndexOf('/', StringComparison.Ordinal); i >= 0; i = path.IndexOf('/', i + 1))
        {
            candidates.Add(path[..i]);
        }
        candidates.Add(path);
        foreach (var (pattern, tempfile) in excludes.Select(p => (p, false)).Concat(tempfiles.Select(p => (p, true))))
        {
            if (Problem(pattern, out var regex) is not null)
            {
                continue;
            }
            foreach (var candidate in candidates)
            {
                bool matched;
                try
                {
                    matched = regex!.IsMatch(candidate);
                }
                catch (RegexMatchTimeoutException)
                {
                    matched = true;
                }
                if (matched)
                {
                    return new PatternMatch(pattern, tempfile, candidate);
                }
            }
        }
        return null;
    }
}

/// <summary>A pattern that leaves a path out.</summary>
/// <param name="Pattern">The pattern as the user gave it.</param>
/// <param name="Tempfile">True for a tempfile (-t) pattern, false for an exclude (-e).</param>
/// <param name="MatchedPath">The path it matched: the path itself or a directory above it.</param>
public sealed record PatternMatch(string Pattern, bool Tempfile, string MatchedPath);
