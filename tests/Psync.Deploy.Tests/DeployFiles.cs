using System.Text.RegularExpressions;
using Psync.Deploy.Tests.Checks;
using Psync.Tests;

namespace Psync.Deploy.Tests;

/// <summary>The deployment files of the repository and the build context each Dockerfile gets.</summary>
internal static partial class DeployFiles
{
    public static string Root { get; } = RepoFiles.Root;

    public static string DockerDirectory => Path.Combine(Root, "docker");

    public static string Compose => Path.Combine(DockerDirectory, "compose.yml");

    public static string ApplianceDockerfile => Path.Combine(DockerDirectory, "Dockerfile");

    /// <summary>Every Dockerfile under docker/, relative to the repository root.</summary>
    public static IReadOnlyList<string> Dockerfiles() =>
        [.. Directory.EnumerateFiles(DockerDirectory, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) is var n && (n == "Dockerfile" || n.EndsWith(".Dockerfile", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(Root, f))
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// The context a Dockerfile is built in: the one docker/compose.yml declares for it; for
    /// docker/Dockerfile otherwise the repository root (docker build -f docker/Dockerfile .); else its own folder.
    /// </summary>
    public static BuildContext ContextOf(string dockerfile)
    {
        var full = Path.GetFullPath(Path.Combine(Root, dockerfile));
        var declared = ComposeFile.Read(Compose).BuildTargets().FirstOrDefault(t => t.Dockerfile == full)?.Context;
        var context = declared ?? (full == ApplianceDockerfile ? Root : Path.GetDirectoryName(full)!);
        return BuildContext.For(full, context);
    }

    /// <summary>The one script that builds what is uploaded to right hosts, relative to the repository root.</summary>
    public const string PublishAgentScript = "scripts/publish-agent.sh";

    /// <summary>
    /// The commands of a shell script or a Dockerfile (relative to the repository root) that run
    /// <c>dotnet publish</c> on the agent's project, src/Psync.Agent: the Dockerfile's RUN
    /// instructions and heredocs, the script's lines (<see cref="Checks.ShellScripts.Commands"/>).
    /// </summary>
    public static IReadOnlyList<string> AgentPublishes(string file)
    {
        var full = Path.Combine(Root, file);
        var commands = file.EndsWith(".sh", StringComparison.Ordinal)
            ? Checks.ShellScripts.Commands(File.ReadAllText(full))
            : DockerfileText.Read(full).Instructions.Where(i => i.Keyword == "RUN").SelectMany(i => i.Heredocs.SelectMany(Checks.ShellScripts.Commands).Prepend(i.Arguments));
        return [.. commands.Where(PublishesAgent)];
    }

    /// <summary>Whether a command line runs <c>dotnet publish</c> on src/Psync.Agent (within one command: not across &amp;&amp;, || or ;).</summary>
    public static bool PublishesAgent(string command) => AgentPublish().IsMatch(command);

    [GeneratedRegex(@"\bdotnet\s+publish\b[^;&|\n]*\bsrc/Psync\.Agent\b")]
    private static partial Regex AgentPublish();

    /// <summary>Every shell script under docker/ and scripts/, relative to the repository root.</summary>
    public static IReadOnlyList<string> ShellScripts() =>
        [.. new[] { DockerDirectory, Path.Combine(Root, "scripts") }
            .SelectMany(d => Directory.EnumerateFiles(d, "*.sh", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(Root, f))
            .Order(StringComparer.Ordinal)];
}
