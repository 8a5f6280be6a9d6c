using System.Runtime.InteropServices;

namespace Psync.Tests;

/// <summary>Where the tests find the repository and what the build put there (linked into every test project).</summary>
internal static class RepoFiles
{
    /// <summary>The folder holding Psync.sln, above the test binaries.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Psync.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new DirectoryNotFoundException($"Psync.sln not found above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>This machine's runtime: linux-x64 or linux-arm64.</summary>
    public static string HostRuntime => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>
    /// The folder of published agents, one subfolder per runtime (scripts/publish-agent.sh): $PSYNC_AGENT
    /// when it names that folder (or the folder above the psync-agent it names), else artifacts/agent.
    /// </summary>
    public static string AgentFolder =>
        Environment.GetEnvironmentVariable("PSYNC_AGENT") is { Length: > 0 } fromEnv
            ? Directory.Exists(fromEnv) ? fromEnv : Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(fromEnv)))!
            : Path.Combine(Root, "artifacts", "agent");

    /// <summary>The published static agent for <paramref name="runtime"/> (the host's by default), cinotify beside it.</summary>
    public static string PublishedAgent(string? runtime = null)
    {
        var path = Path.Combine(AgentFolder, runtime ?? HostRuntime, "psync-agent");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: run scripts/test.sh, or scripts/publish-agent.sh");
    }
}
