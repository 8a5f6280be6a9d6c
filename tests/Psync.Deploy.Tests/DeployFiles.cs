using Psync.Deploy.Tests.Checks;
using Psync.Tests;

namespace Psync.Deploy.Tests;

/// <summary>The deployment files of the repository and the build context each Dockerfile gets.</summary>
internal static class DeployFiles
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

    /// <summary>Every shell script under docker/ and scripts/, relative to the repository root.</summary>
    public static IReadOnlyList<string> ShellScripts() =>
        [.. new[] { DockerDirectory, Path.Combine(Root, "scripts") }
            .SelectMany(d => Directory.EnumerateFiles(d, "*.sh", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(Root, f))
            .Order(StringComparer.Ordinal)];
}
