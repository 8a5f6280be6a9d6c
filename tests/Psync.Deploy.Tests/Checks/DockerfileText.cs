using System.Text;
using System.Text.RegularExpressions;

namespace Psync.Deploy.Tests.Checks;

/// <summary>One instruction of a Dockerfile: its keyword in upper case, the rest of its logical line, the line it starts on, and the bodies of its heredocs.</summary>
public sealed record Instruction(int Line, string Keyword, string Arguments, IReadOnlyList<string> Heredocs);

/// <summary>A build stage: from one FROM to the next.</summary>
/// <param name="Index">0 for the first FROM.</param>
/// <param name="Name">The name after <c>AS</c>, or null.</param>
/// <param name="Image">The image it starts from (an image reference or an earlier stage).</param>
/// <param name="Line">The line of its FROM.</param>
/// <param name="Instructions">Its instructions after the FROM.</param>
public sealed record Stage(int Index, string? Name, string Image, int Line, IReadOnlyList<Instruction> Instructions)
{
    /// <summary>The instructions with this keyword, in order.</summary>
    public IEnumerable<Instruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);
}

/// <summary>
/// A Dockerfile read the way the Dockerfile reference describes: parser directives at the top,
/// comment lines, logical lines joined by the escape character at the end of a line (comment and
/// empty lines inside them dropped), heredocs, and stages from <c>FROM … [AS name]</c>.
/// </summary>
public sealed partial record DockerfileText(IReadOnlyList<Instruction> Instructions, IReadOnlyList<Stage> Stages, IReadOnlyList<string> Problems)
{
    /// <summary>Every instruction keyword of the Dockerfile reference.</summary>
    public static readonly IReadOnlySet<string> Keywords = new HashSet<string>(StringComparer.Ordinal)
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    };

    public Stage? FinalStage => Stages.Count > 0 ? Stages[^1] : null;

    public static DockerfileText Read(string path) => Parse(File.ReadAllText(path));

    public static DockerfileText Parse(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var problems = new List<string>();
        var escape = '\\';
        var i = 0;
        // Parser directives: "# name=value" lines before anything else.
        for (; i < lines.Length && Directive().Match(lines[i]) is { Success: true } directive; i++)
        {
            if (directive.Groups["name"].Value.Equals("escape", StringComparison.OrdinalIgnoreCase))
            {
                if (directive.Groups["value"].Value.Trim() is [var c and ('\\' or '`')])
                {
                    escape = c;
                }
                else
                {
                    problems.Add($"line {i + 1}: the escape directive takes \\ or `");
                }
            }
        }

        var instructions = new List<Instruction>();
        while (i < lines.Length)
        {
            if (IsBlankOrComment(lines[i]))
            {
                i++;
                continue;
            }
            var start = i + 1;
            var logical = new StringBuilder();
            while (true)
            {
                var part = lines[i++].TrimEnd();
                if (!part.EndsWith(escape))
                {
                    logical.Append(part);
                    break;
                }
                logical.Append(part.AsSpan(0, part.Length - 1)).Append(' ');
                while (i < lines.Length && IsBlankOrComment(lines[i]))
                {
                    i++;
                }
                if (i == lines.Length)
                {
                    problems.Add($"line {start}: the instruction ends with '{escape}' but no line follows");
                    break;
                }
            }
            var content = logical.ToString().Trim();
            var split = content.IndexOfAny([' ', '\t']);
            var keyword = (split < 0 ? content : content[..split]).ToUpperInvariant();
            var arguments = split < 0 ? "" : content[(split + 1)..].Trim();
            var heredocs = new List<string>();
            if (keyword is "RUN" or "COPY" or "ADD")
            {
                foreach (Match heredoc in Heredoc().Matches(arguments))
                {
                    var word = heredoc.Groups["word"].Value;
                    var stripTabs = heredoc.Groups["dash"].Success;
                    var body = new StringBuilder();
                    while (i < lines.Length && (stripTabs ? lines[i].TrimStart('\t') : lines[i]) != word)
                    {
                        body.Append(lines[i++]).Append('\n');
                    }
                    if (i == lines.Length)
                    {
                        problems.Add($"line {start}: the heredoc {word} is not closed");
                    }
                    i++;
                    heredocs.Add(body.ToString());
                }
            }
            instructions.Add(new Instruction(start, keyword, arguments, heredocs));
        }
        return new DockerfileText(instructions, SplitStages(instructions, problems), problems);
    }

    private static List<Stage> SplitStages(List<Instruction> instructions, List<string> problems)
    {
        var stages = new List<Stage>();
        List<Instruction>? current = null;
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var words = Words(instruction.Arguments).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
                if (words.Count is not (1 or 3) || words.Count == 3 && !words[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"line {instruction.Line}: FROM takes an image and optionally AS name: '{instruction.Arguments}'");
                }
                current = [];
                stages.Add(new Stage(stages.Count, words.Count == 3 ? words[2] : null, words.FirstOrDefault() ?? "", instruction.Line, current));
            }
            else if (current is not null)
            {
                current.Add(instruction);
            }
            else if (instruction.Keyword != "ARG")
            {
                problems.Add($"line {instruction.Line}: {instruction.Keyword} before the first FROM (only ARG may come first)");
            }
        }
        return stages;
    }

    /// <summary>Words split at white space (what the shell form of COPY, FROM, EXPOSE and VOLUME does).</summary>
    public static string[] Words(string arguments) => arguments.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static bool IsBlankOrComment(string line) => line.TrimStart() is var t && (t.Length == 0 || t[0] == '#');

    [GeneratedRegex(@"^#\s*(?<name>[A-Za-z]+)\s*=\s*(?<value>\S.*)$")]
    private static partial Regex Directive();

    [GeneratedRegex(@"<<(?<dash>-)?(?<quote>[""']?)(?<word>[A-Za-z_][A-Za-z0-9_]*)\k<quote>")]
    private static partial Regex Heredoc();
}
