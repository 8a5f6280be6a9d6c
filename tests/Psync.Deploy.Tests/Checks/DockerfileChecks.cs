using System.Text.Json;

namespace Psync.Deploy.Tests.Checks;

/// <summary>Where a Dockerfile is built: the context folder and the .dockerignore that applies there.</summary>
public sealed record BuildContext(string Directory, DockerIgnore Ignore)
{
    public static BuildContext For(string dockerfile, string context) => new(context, DockerIgnore.For(dockerfile, context));
}

/// <summary>Checks of a Dockerfile's form; each returns the problems found, "line N: what", empty when there are none.</summary>
public static class DockerfileChecks
{
    private static readonly string[] CommandSeparators = ["&&", "||", ";", "|"];

    private static readonly Dictionary<string, string[]> KnownFlags = new(StringComparer.Ordinal)
    {
        ["COPY"] = ["from", "chown", "chmod", "link", "parents", "exclude"],
        ["ADD"] = ["chown", "chmod", "link", "keep-git-dir", "checksum", "exclude", "unpack"],
        ["RUN"] = ["mount", "network", "security", "device"],
        ["FROM"] = ["platform"],
        ["HEALTHCHECK"] = ["interval", "timeout", "start-period", "start-interval", "retries"],
    };

    /// <summary>
    /// What every Dockerfile must get right: known instructions, FROM first, stages with distinct names,
    /// exec forms that are JSON arrays of strings (Docker would silently run anything else through a
    /// shell), known flags, <c>COPY --from</c> naming an earlier stage, COPY/ADD sources that exist
    /// in the build context and are not left out of it by .dockerignore, and an ENTRYPOINT script
    /// that the final stage copies in.
    /// </summary>
    public static IReadOnlyList<string> CheckForm(DockerfileText file, BuildContext context)
    {
        var problems = new List<string>(file.Problems);
        if (file.Stages.Count == 0)
        {
            problems.Add("no FROM: a Dockerfile starts a stage with FROM");
        }
        foreach (var instruction in file.Instructions.Where(i => !DockerfileText.Keywords.Contains(i.Keyword)))
        {
            problems.Add($"line {instruction.Line}: {instruction.Keyword} is not a Dockerfile instruction");
        }
        foreach (var duplicate in file.Stages.Where(s => s.Name is not null).GroupBy(s => s.Name!, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"line {duplicate.Last().Line}: a second stage named {duplicate.Key}");
        }
        foreach (var stage in file.Stages)
        {
            foreach (var instruction in stage.Instructions)
            {
                CheckInstruction(file, stage, instruction, context, problems);
            }
        }
        if (file.FinalStage?.All("ENTRYPOINT").LastOrDefault() is { } entrypoint && ExecForm(entrypoint.Arguments, out _) is [var program, ..]
            && program.EndsWith(".sh", StringComparison.Ordinal) && !Copies(file, program))
        {
            problems.Add($"line {entrypoint.Line}: the ENTRYPOINT {program} is not a file the final stage copies in");
        }
        return problems;
    }

    /// <summary>What the appliance's image must have in its final stage: a non-root USER, a HEALTHCHECK on /healthz, EXPOSE, VOLUME /data and an ENTRYPOINT.</summary>
    public static IReadOnlyList<string> CheckAppliance(DockerfileText file)
    {
        if (file.FinalStage is not { } final)
        {
            return ["no stages"];
        }
        var problems = new List<string>();
        var user = final.All("USER").LastOrDefault();
        if (user is null)
        {
            problems.Add("the final stage has no USER: the container would run as root");
        }
        else if (user.Arguments.Split(':')[0].Trim() is "" or "root" or "0")
        {
            problems.Add($"line {user.Line}: the final stage runs as root ({user.Arguments})");
        }
        var healthcheck = final.All("HEALTHCHECK").LastOrDefault();
        if (healthcheck is null || !healthcheck.Arguments.Contains("/healthz", StringComparison.Ordinal))
        {
            problems.Add("the final stage has no HEALTHCHECK on /healthz");
        }
        if (!final.All("EXPOSE").Any())
        {
            problems.Add("the final stage EXPOSEs no port");
        }
        if (!final.All("VOLUME").Any(v => VolumePaths(v).Contains("/data")))
        {
            problems.Add("the final stage has no VOLUME /data");
        }
        if (!final.All("ENTRYPOINT").Any())
        {
            problems.Add("the final stage has no ENTRYPOINT");
        }
        return problems;
    }

    /// <summary>The ports the final stage EXPOSEs ("8080" of "8080/tcp").</summary>
    public static IReadOnlySet<string> ExposedPorts(DockerfileText file) =>
        (file.FinalStage?.All("EXPOSE") ?? []).SelectMany(e => DockerfileText.Words(e.Arguments)).Select(p => p.Split('/')[0]).ToHashSet(StringComparer.Ordinal);

    /// <summary>The packages a stage's RUN instructions install with <c>apt-get install</c> (or <c>apt install</c>).</summary>
    public static IReadOnlySet<string> AptPackages(Stage stage)
    {
        var packages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var command in stage.All("RUN").SelectMany(r => r.Arguments.Split(CommandSeparators, StringSplitOptions.None)))
        {
            // [VAR=value ...] apt-get|apt [options] install [options] packages
            var words = DockerfileText.Words(command).SkipWhile(w => w.Contains('=', StringComparison.Ordinal)).ToList();
            if (words is ["apt-get" or "apt", .. var rest] && rest.SkipWhile(w => w.StartsWith('-')).ToList() is ["install", .. var arguments])
            {
                packages.UnionWith(arguments.Where(w => !w.StartsWith('-')));
            }
        }
        return packages;
    }

    /// <summary>
    /// The shell-form RUN instructions that /bin/sh does not parse (<c>sh -n</c>), "line N: what". A
    /// RUN that is one heredoc has its body checked unless a #! names another interpreter; one that
    /// feeds a heredoc to a command is not checked, nor is a stage from a SHELL instruction on.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CheckRunsAsync(DockerfileText file)
    {
        var problems = new List<string>();
        foreach (var stage in file.Stages)
        {
            foreach (var instruction in stage.Instructions.TakeWhile(i => i.Keyword != "SHELL").Where(i => i.Keyword == "RUN"))
            {
                var (_, command) = SplitFlags(instruction.Arguments);
                IReadOnlyList<string> scripts = instruction.Heredocs switch
                {
                    [] => command.TrimStart().StartsWith('[') ? [] : [command],
                    [var body] when DockerfileText.Words(command) is [var only] && only.StartsWith("<<", StringComparison.Ordinal)
                        && (!body.StartsWith("#!", StringComparison.Ordinal) || body.StartsWith("#!/bin/sh", StringComparison.Ordinal)) => [body],
                    _ => [],
                };
                foreach (var script in scripts)
                {
                    if (await ShellScripts.CheckCommandAsync(script) is { } problem)
                    {
                        problems.Add($"line {instruction.Line}: {problem}");
                    }
                }
            }
        }
        return problems;
    }

    /// <summary>Whether the final stage copies a file to this absolute path (a script an entrypoint runs, say).</summary>
    public static bool Copies(DockerfileText file, string path)
    {
        foreach (var copy in file.FinalStage?.Instructions.Where(i => i.Keyword is "COPY" or "ADD") ?? [])
        {
            var (_, rest) = SplitFlags(copy.Arguments);
            var words = ExecForm(rest, out _) ?? [.. DockerfileText.Words(rest)];
            if (words.Count < 2)
            {
                continue;
            }
            var destination = words[^1];
            var sources = words.Take(words.Count - 1).ToList();
            if (destination == path && sources.Count == 1
                || (destination.EndsWith('/') || sources.Count > 1) && sources.Any(s => destination.TrimEnd('/') + "/" + Path.GetFileName(s.TrimEnd('/')) == path))
            {
                return true;
            }
        }
        return false;
    }

    private static void CheckInstruction(DockerfileText file, Stage stage, Instruction instruction, BuildContext context, List<string> problems)
    {
        void Problem(string message) => problems.Add($"line {instruction.Line}: {message}");

        var (flags, rest) = SplitFlags(instruction.Arguments);
        var words = DockerfileText.Words(rest);
        if (KnownFlags.TryGetValue(instruction.Keyword, out var known))
        {
            foreach (var flag in flags.Keys.Where(f => !known.Contains(f)))
            {
                Problem($"{instruction.Keyword} has no flag --{flag}");
            }
        }
        else if (flags.Count > 0 && instruction.Keyword is not ("CMD" or "ENTRYPOINT" or "SHELL"))
        {
            Problem($"{instruction.Keyword} takes no flags (--{flags.Keys.First()})");
        }
        switch (instruction.Keyword)
        {
            case "RUN" or "CMD" or "ENTRYPOINT":
                CheckExecForm(instruction.Keyword, instruction.Keyword == "RUN" ? rest : instruction.Arguments, Problem, allowShellForm: true);
                break;
            case "SHELL":
                CheckExecForm("SHELL", instruction.Arguments, Problem, allowShellForm: false);
                break;
            case "HEALTHCHECK":
                if (words is ["NONE"])
                {
                    break;
                }
                if (words.Length < 2 || words[0] != "CMD")
                {
                    Problem("HEALTHCHECK is [options] CMD command, or NONE");
                    break;
                }
                CheckExecForm("HEALTHCHECK CMD", rest.Trim()[3..], Problem, allowShellForm: true);
                break;
            case "COPY" or "ADD":
                CheckCopy(file, stage, instruction, flags, rest, context, Problem);
                break;
            case "USER" or "WORKDIR" or "STOPSIGNAL" when words.Length == 0:
                Problem($"{instruction.Keyword} needs an argument");
                break;
            case "EXPOSE":
                foreach (var port in words.Where(p => !p.Contains('$', StringComparison.Ordinal)))
                {
                    var parts = port.Split('/');
                    if (!ComposeChecks.IsPort(parts[0].Split('-')[0]) || parts.Length > 2 || parts.Length == 2 && parts[1] is not ("tcp" or "udp" or "sctp"))
                    {
                        Problem($"EXPOSE {port} is not a port");
                    }
                }
                break;
            default:
                break;
        }
    }

    private static void CheckExecForm(string what, string arguments, Action<string> problem, bool allowShellForm)
    {
        var text = arguments.Trim();
        if (!text.StartsWith('['))
        {
            if (!allowShellForm)
            {
                problem($"{what} takes a JSON array");
            }
            else if (text.Length == 0)
            {
                problem($"{what} needs a command");
            }
            return;
        }
        if (ExecForm(text, out var error) is not { Count: > 0 })
        {
            problem($"{what} in exec form is not a non-empty JSON array of strings ({error}): {text}");
        }
    }

    private static void CheckCopy(DockerfileText file, Stage stage, Instruction instruction, Dictionary<string, string> flags, string rest, BuildContext context, Action<string> problem)
    {
        var words = ExecForm(rest, out var error) ?? [.. DockerfileText.Words(rest)];
        if (rest.TrimStart().StartsWith('[') && error.Length > 0)
        {
            problem($"{instruction.Keyword} in JSON form is not a JSON array of strings ({error})");
            return;
        }
        if (words.Count < 2 && instruction.Heredocs.Count == 0)
        {
            problem($"{instruction.Keyword} needs a source and a destination");
            return;
        }
        if (flags.TryGetValue("from", out var from))
        {
            var earlier = file.Stages.Take(stage.Index).ToList();
            var isEarlierStage = earlier.Any(s => string.Equals(s.Name, from, StringComparison.OrdinalIgnoreCase))
                || int.TryParse(from, out var index) && index >= 0 && index < stage.Index;
            var isImage = from.IndexOfAny(['/', ':', '@']) >= 0;
            if (!isEarlierStage && !isImage)
            {
                problem($"{instruction.Keyword} --from={from} names no earlier stage");
            }
            return;
        }
        foreach (var source in words.Take(words.Count - 1))
        {
            if (source.StartsWith("<<", StringComparison.Ordinal) || source.Contains('$', StringComparison.Ordinal)
                || instruction.Keyword == "ADD" && (source.Contains("://", StringComparison.Ordinal) || source.StartsWith("git@", StringComparison.Ordinal)))
            {
                continue; // a heredoc, a variable, or something ADD downloads
            }
            CheckSource(source, context, problem);
        }
    }

    private static void CheckSource(string source, BuildContext context, Action<string> problem)
    {
        var root = Path.GetFullPath(context.Directory);
        var full = Path.GetFullPath(Path.Combine(root, source.TrimStart('/')));
        var relative = Path.GetRelativePath(root, full);
        if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            problem($"the source {source} lies outside the build context {context.Directory}");
            return;
        }
        if (source.IndexOfAny(['*', '?', '[']) >= 0)
        {
            var directory = Path.GetDirectoryName(full)!;
            var matches = Directory.Exists(directory)
                ? Directory.EnumerateFileSystemEntries(directory, Path.GetFileName(full)).Select(m => Path.GetRelativePath(root, m)).Where(m => !context.Ignore.Excludes(m)).ToList()
                : [];
            if (matches.Count == 0)
            {
                problem($"the source {source} matches nothing in the build context {context.Directory}");
            }
            return;
        }
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            problem($"the source {source} does not exist in the build context {context.Directory}");
        }
        else if (context.Ignore.Excludes(relative == "." ? "" : relative))
        {
            problem($"the source {source} is left out of the build context by .dockerignore");
        }
    }

    /// <summary>Leading --name[=value] words, and the rest of the arguments as written.</summary>
    private static (Dictionary<string, string> Flags, string Remainder) SplitFlags(string arguments)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = arguments.TrimStart();
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            var end = rest.IndexOfAny([' ', '\t']);
            var flag = end < 0 ? rest[2..] : rest[2..end];
            var eq = flag.IndexOf('=', StringComparison.Ordinal);
            flags[eq < 0 ? flag : flag[..eq]] = eq < 0 ? "" : flag[(eq + 1)..];
            rest = end < 0 ? "" : rest[end..].TrimStart();
        }
        return (flags, rest);
    }

    /// <summary>The JSON array of strings the text is, or null with what is wrong ("" when it is not meant as JSON: no '[').</summary>
    private static List<string>? ExecForm(string arguments, out string error)
    {
        var text = arguments.Trim();
        error = "";
        if (!text.StartsWith('['))
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind != JsonValueKind.Array || json.RootElement.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                error = "not an array of strings";
                return null;
            }
            return [.. json.RootElement.EnumerateArray().Select(e => e.GetString()!)];
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static List<string> VolumePaths(Instruction volume) =>
        ExecForm(volume.Arguments, out _) ?? [.. DockerfileText.Words(volume.Arguments)];
}
