using System.Text.RegularExpressions;
using Psync.Agent.Fs;
using Psync.Protocol;

namespace Psync.Agent;

/// <summary>
/// psync's -e (exclude) and -t (tempfile) regexes, searched in the path relative to the root, and
/// the agent's own <c>.psync/</c> area, which is always left out. Patterns follow <see cref="PathPatterns"/>.
/// </summary>
internal sealed class PathFilter
{
    public static readonly PathFilter None = new([], [], null);

    private readonly Regex[] _patterns;
    private readonly Action<string>? _warn;
    private readonly HashSet<Regex> _warned = [];

    /// <param name="excludes">-e patterns.</param>
    /// <param name="tempfiles">-t patterns.</param>
    /// <param name="warn">Told, once per pattern, when a pattern could not decide in time and paths were left out for it.</param>
    /// <exception cref="ArgumentException">A pattern is refused by <see cref="PathPatterns"/>.</exception>
    public PathFilter(IReadOnlyList<string> excludes, IReadOnlyList<string> tempfiles, Action<string>? warn)
    {
        _patterns = [.. excludes.Concat(tempfiles).Select(PathPatterns.Compile)];
        _warn = warn;
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
                // Fail closed: a pattern that cannot decide leaves the path out, and says so.
                bool first;
                lock (_warned)
                {
                    first = _warned.Add(regex);
                }
                if (first)
                {
                    _warn?.Invoke($"the pattern '{regex}' could not decide within {PathPatterns.MatchTimeout.TotalSeconds:0.#} s on {PathCodec.Display(path)}: such paths are left out, not synced");
                }
                return true;
            }
        }
        return false;
    }
}
