using System.Text;
using System.Text.RegularExpressions;
using Psync.Protocol;

namespace Psync.Cli;

/// <summary>
/// Turns an rsync exclude pattern (psync's --rsync-excludes) into the anchored regex that the
/// agents search in each relative path. As in rsync: '*' stays within one component, '**'
/// crosses '/' (a whole "**/" component also matches no directory), '?' is one character but
/// '/', [...] is a class; a pattern without '/' matches the last component, one with '/' the end
/// of the path at a component boundary, and a leading '/' anchors it at the root. A trailing '/'
/// (directories only, in rsync) is taken as the name, and "dir/***" matches dir and everything
/// below it.
/// </summary>
internal static class RsyncGlob
{
    public static string ToRegex(string pattern)
    {
        var p = pattern;
        var anchored = p.StartsWith('/');
        p = p.TrimStart('/');
        var everythingBelow = false;
        if (p == "***" || p.EndsWith("/***", StringComparison.Ordinal))
        {
            everythingBelow = true;
            p = p.Length == 3 ? "" : p[..^4];
        }
        p = p.TrimEnd('/');
        if (p.Length == 0 && !everythingBelow)
        {
            throw new UsageException($"--rsync-excludes: '{pattern}' names no path");
        }
        var regex = new StringBuilder(anchored ? "^" : "(?:^|/)");
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            switch (c)
            {
                case '\\' when i + 1 < p.Length:
                    regex.Append(Regex.Escape(p[++i].ToString()));
                    break;
                case '*' when i + 1 < p.Length && p[i + 1] == '*':
                    var wholeComponent = i == 0 || p[i - 1] == '/';
                    while (i + 1 < p.Length && p[i + 1] == '*')
                    {
                        i++;
                    }
                    if (wholeComponent && i + 1 < p.Length && p[i + 1] == '/')
                    {
                        // "**/" as a whole component also matches no directory at all: a/**/b matches a/b.
                        regex.Append("(?:.*/)?");
                        i++;
                    }
                    else
                    {
                        regex.Append(".*");
                    }
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[' when ClassEnd(p, i) is var end and > 0:
                    regex.Append(Class(p[(i + 1)..end]));
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        if (everythingBelow)
        {
            regex.Append(p.Length == 0 ? ".*" : "(?:/.*)?");
        }
        regex.Append('$');
        var result = regex.ToString();
        return PathPatterns.Problem(result) is { } problem
            ? throw new UsageException($"--rsync-excludes: cannot use '{pattern}': {problem}")
            : result;
    }

    /// <summary>Where the class opened at <paramref name="open"/> ends (a ']' right after '[' or '[!' belongs to it), or -1.</summary>
    private static int ClassEnd(string p, int open)
    {
        var i = open + 1;
        if (i < p.Length && p[i] is '!' or '^')
        {
            i++;
        }
        if (i < p.Length && p[i] == ']')
        {
            i++;
        }
        var end = p.IndexOf(']', i);
        return end;
    }

    private static string Class(string body)
    {
        var sb = new StringBuilder("[");
        var i = 0;
        if (body.Length > 0 && body[0] is '!' or '^')
        {
            sb.Append('^');
            i = 1;
        }
        for (; i < body.Length; i++)
        {
            // Inside a .NET class only these are special; '-' keeps its range meaning as in a glob.
            if (body[i] is '\\' or '[' or ']' or '^')
            {
                sb.Append('\\');
            }
            sb.Append(body[i]);
        }
        return sb.Append(']').ToString();
    }
}
