using System.Text.RegularExpressions;
using Psync.Agent.Fs;

namespace Psync.Agent;

/// <summary>
/// psync's -e (exclude) and -t (tempfile) regexes, searched in the path relative to the root, and
/// the agent's own <c>.psync/</c> area, which is always left out.
/// </summary>
internal sealed class PathFilter
{
    public static readonly PathFilter None = new([], []);

    private readonly Regex[] _patterns;

    public PathFilter(IReadOnlyList<string> excludes, IReadOnlyList<string> tempfiles)
    {
        _patterns = [.. excludes.Concat(tempfiles).Select(Compile)];
    }

    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"bad pattern '{pattern}': {e.Message}", e);
        }
    }

    /// <summary>True when the path itself is left out (its ancestors are not looked at).</summary>
    public bool Skips(string path) => RelPath.IsOwn(path) || Matches(path);

    /// <summary>True when the path or any directory above it is left out.</summary>
    public bool SkipsWithAncestors(string path)
    {
        if (RelPath.IsOwn(path))
        {
            return true;
        }
        if (_patterns.Length == 0)
        {
            return false;
        }
        for (var i = path.IndexOf('/', StringComparison.Ordinal); i >= 0; i = path.IndexOf('/', i + 1))
        {
            if (Matches(path[..i]))
            {
                return true;
            }
        }
        return Matches(path);
    }

    private bool Matches(string path)
    {
        foreach (var regex in _patterns)
        {
            try
            {
                if (regex.IsMatch(path))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern that cannot decide in time leaves the path in: syncing too much is safe.
            }
        }
        return false;
    }
}
