using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

/// <summary>The published NativeAOT agent (PSYNC_AGENT, else artifacts/agent under the repository root) and temp folders.</summary>
internal static class RemoteTestFiles
{
    public static string AgentPath()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PSYNC_AGENT");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv) && File.Exists(Path.Combine(Path.GetDirectoryName(fromEnv)!, "cinotify")))
        {
            return fromEnv;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Psync.sln")))
            {
                var agent = Path.Combine(dir.FullName, "artifacts", "agent", "psync-agent");
                return File.Exists(agent)
                    ? agent
                    : throw new InvalidOperationException($"{agent} is missing: run scripts/test.sh, which publishes the NativeAOT agent there");
            }
        }
        throw new InvalidOperationException("Psync.sln not found above the test folder; set PSYNC_AGENT to a published psync-agent");
    }

    public static Task<AgentBundle> BundleAsync() => AgentBundle.FromAgentAsync(AgentPath());

    public static string TempDir(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;
}
