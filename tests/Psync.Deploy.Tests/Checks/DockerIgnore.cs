using System.Text;
using System.Text.RegularExpressions;

namespace Psync.Deploy.Tests.Checks;

/// <summary>
/// The rules of a .dockerignore file as Docker applies them: paths relative to the context, <c>*</c>
/// and <c>?</c> within one path element, <c>**</c> across any number of them, <c>!</c> to take a
/// path back in, the last matching rule decides, and a rule that matches a folder covers what is inside.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exception)> _rules = [];

    public static readonly DockerIgnore None = new("");

    public DockerIgnore(string text)
    {
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var exception = line.StartsWith('!');
            var pattern = (exception ? line[1..] : line).Trim().Trim('/');
            if (pattern.Length > 0)
            {
                _rules.Add((ToRegex(pattern), exception));
            }
        }
    }

    /// <summary>The .dockerignore that applies to a build: <c>DOCKERFILE.dockerignore</c> next to the Dockerfile (BuildKit), else the context's own, else none.</summary>
    public static DockerIgnore For(string dockerfile, string context)
    {
        foreach (var candidate in new[] { dockerfile + ".dockerignore", Path.Combine(context, ".dockerignore") })
        {
            if (File.Exists(candidate))
            {
                return new DockerIgnore(File.ReadAllText(candidate));
            }
        }
        return None;
    }

    /// <summary>Whether the path (relative to the context, '/' separated) is left out of the build context.</summary>
    public bool Excludes(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        if (path.Length == 0 || path == ".")
        {
            return false;
        }
        var candidates = new List<string>();
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            candidates.Add(path[..slash]);
        }
        candidates.Add(path);
        var excluded = false;
        foreach (var (pattern, exception) in _rules)
        {
            if (candidates.Any(pattern.IsMatch))
            {
                excluded = !exception;
            }
        }
        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var regex = new StringBuilder("^");
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            if (segments[i] == "**")
            {
                regex.Append(last ? ".*" : "(?:.*/)?");
                continue;
            }
            foreach (var c in segments[i])
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
            if (!last)
            {
                regex.Append('/');
            }
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
