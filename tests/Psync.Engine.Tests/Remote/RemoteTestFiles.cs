using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

/// <summary>The published NativeAOT agent (PSYNC_AGENT, else artifacts/agent under the repository root) and temp folders.</summary>
internal static class RemoteTestFiles
{
    public static string AgentPath() => Psync.Tests.RepoFiles.PublishedAgent();

    public static Task<AgentBundle> BundleAsync() => AgentBundle.FromAgentAsync(AgentPath());

    public static string TempDir(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;
}
