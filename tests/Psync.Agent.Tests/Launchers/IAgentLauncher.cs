using System.Diagnostics;
using Psync.Engine.Agents;

namespace Psync.Agent.Tests.Launchers;

/// <summary>The ways a test runs psync-agent; a test says under which ones it runs (<see cref="AgentFactAttribute"/>).</summary>
[Flags]
public enum Launch
{
    /// <summary>The host's published agent, started as the engine starts it (<see cref="LocalAgent"/>).</summary>
    Native = 1,

    /// <summary>The host's published agent and cinotify chrooted into a folder holding only them and the tree.</summary>
    EmptyRoot = 2,

    /// <summary>The linux-arm64 agent and cinotify under qemu-aarch64-static (user-mode emulation).</summary>
    QemuArm64 = 4,

    /// <summary>The launchers that run the agent at full speed: every test runs under them unless it says otherwise.</summary>
    FullSpeed = Native | EmptyRoot,

    All = Native | EmptyRoot | QemuArm64,
}

/// <summary>
/// Starts psync-agent for a test on a fresh tree. Each tree lives in a sandbox folder of its own
/// (SANDBOX/tree), which the launcher may also use for what the agent needs around it.
/// </summary>
public interface IAgentLauncher
{
    Launch Kind { get; }

    /// <summary>How long a test waits for one answer or event of the agent.</summary>
    TimeSpan Deadline { get; }

    /// <summary>Whether the agent sees this host's programs and /proc (rsync, the inotify limits).</summary>
    bool SeesHost { get; }

    /// <summary>Makes a sandbox with an empty tree in it and returns the tree's path on this host.</summary>
    string NewRoot();

    /// <summary>The path the agent on <paramref name="root"/> knows <paramref name="hostPath"/> (inside the root's sandbox) by.</summary>
    string SeenByAgent(string root, string hostPath);

    /// <summary>The command that runs psync-agent with <paramref name="arguments"/> in the sandbox of <paramref name="root"/>.</summary>
    ProcessStartInfo Command(string root, params IEnumerable<string> arguments);

    /// <summary>Starts psync-agent on <paramref name="root"/> (a path from <see cref="NewRoot"/>); its stderr lines go to <paramref name="onStderr"/>.</summary>
    AgentConnection Start(string root, IReadOnlyDictionary<string, string>? environment = null, bool readOnly = false, Action<string>? onStderr = null);
}
