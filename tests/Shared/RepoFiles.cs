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

    /// <summary>The published NativeAOT agent (cinotify beside it): $PSYNC_AGENT, else artifacts/agent/psync-agent, which scripts/test.sh publishes.</summary>
    public static string PublishedAgent()
    {
        var path = Environment.GetEnvironmentVariable("PSYNC_AGENT") is { Length: > 0 } fromEnv ? fromEnv : Path.Combine(Root, "artifacts", "agent", "psync-agent");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: run scripts/test.sh, or dotnet publish src/Psync.Agent -c Release -r linux-x64 -p:PublishAot=true -o artifacts/agent");
    }
}
