using System.Diagnostics;
using Psync.Engine.Agents;
using Psync.Tests;

namespace Psync.Agent.Tests.Launchers;

/// <summary>The host's published agent, started by the engine's own <see cref="LocalAgent.Start"/>.</summary>
public sealed class NativeLauncher : IAgentLauncher
{
    public Launch Kind => Launch.Native;

    public TimeSpan Deadline => TimeSpan.FromSeconds(10);

    public bool SeesHost => true;

    public string NewRoot() => Path.Combine(Sandbox.Create(), Sandbox.TreeName);

    public string SeenByAgent(string root, string hostPath) => hostPath;

    public ProcessStartInfo Command(string root, params IEnumerable<string> arguments) => new(RepoFiles.PublishedAgent(), arguments);

    public AgentConnection Start(string root, IReadOnlyDictionary<string, string>? environment = null, bool readOnly = false, Action<string>? onStderr = null) =>
        LocalAgent.Start(RepoFiles.PublishedAgent(), root, onStderr, environment, readOnly);
}
