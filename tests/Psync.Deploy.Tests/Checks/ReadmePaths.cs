using System.Text.RegularExpressions;

namespace Psync.Deploy.Tests.Checks;

/// <summary>The repository paths a README names in its code (fenced blocks and `inline` spans), and which of them do not exist.</summary>
public static partial class ReadmePaths
{
    /// <summary>
    /// Words in code that look like a relative path (a/b, a/, with no ':', '=', '$', '@' or '*',
    /// not starting with '/', '~', '-' or '.') and exist neither from the repository root nor from
    /// the README's folder.
    /// </summary>
    public static IReadOnlyList<string> Missing(string markdown, string readmeDirectory, string repoRoot) =>
        [.. Candidates(markdown).Where(p => !Path.Exists(Path.Combine(repoRoot, p)) && !Path.Exists(Path.Combine(readmeDirectory, p)))
            .Select(p => $"{p} is named in the README but exists neither in {repoRoot} nor in {readmeDirectory}")];

    public static IReadOnlyList<string> Candidates(string markdown)
    {
        var code = new List<string>();
        var text = Fence().Replace(markdown.ReplaceLineEndings("\n"), m =>
        {
            code.Add(m.Groups["body"].Value);
            return "";
        });
        code.AddRange(Inline().Matches(text).Select(m => m.Groups["body"].Value));
        return [.. code.SelectMany(c => c.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
            .Select(w => w.Trim('\'', '"', '(', ')', ',', ';', '`'))
            .Where(w => RelativePath().IsMatch(w))
            .Distinct(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"^```[^\n]*\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`(?<body>[^`]+)`")]
    private static partial Regex Inline();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.+-]*(?:/[A-Za-z0-9_.+-]+)*/(?:[A-Za-z0-9_.+-]+)?$")]
    private static partial Regex RelativePath();
}
