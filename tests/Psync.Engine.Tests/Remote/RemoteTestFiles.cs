using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

/// <summary>The published NativeAOT agent (PSYNC_AGENT, else artifacts/agent under the repository root) and temp folders.</summary>
internal static class RemoteTestFiles
{
    public static string AgentPath() => Psync.Tests.RepoFiles.PublishedAgent();

    public static Task<AgentBundles> BundleAsync() => AgentBundles.LocateAsync(AgentPath());

    /// <summary>The host's runtime's bundle of <paramref name="bundles"/>.</summary>
    public static AgentBundle Own(this AgentBundles bundles) => bundles.All.Single(b => b.Runtime == AgentBundles.HostRuntime);

    public static string TempDir(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;
}
