using System.Diagnostics;
using Psync.Engine.Agents;
using Psync.Tests;

namespace Psync.Agent.Tests.Launchers;

/// <summary>
/// The host's published agent in an empty root: <c>chroot SANDBOX /psync-agent --root /tree</c>,
/// SANDBOX holding only copies of psync-agent and cinotify and the tree (no /lib, /usr, /proc or
/// /tmp). It shows that both are static and need nothing of the host but the kernel. The agent
/// finds cinotify beside itself (PSYNC_CINOTIFY is not passed), as it does on a right host.
/// </summary>
public sealed class EmptyRootLauncher : IAgentLauncher
{
    public Launch Kind => Launch.EmptyRoot;

    public TimeSpan Deadline => TimeSpan.FromSeconds(10);

    // No rsync and no /proc in there: the agent reports them missing.
    public bool SeesHost => false;

    public string NewRoot()
    {
        var root = Path.Combine(Sandbox.Create(), Sandbox.TreeName);
        var agent = RepoFiles.PublishedAgent();
        Sandbox.InstallExecutable(root, agent, "psync-agent");
        Sandbox.InstallExecutable(root, Path.Combine(Path.GetDirectoryName(agent)!, "cinotify"), "cinotify");
        return root;
    }

    public string SeenByAgent(string root, string hostPath)
    {
        var relative = Path.GetRelativePath(Sandbox.Of(root), hostPath);
        return relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? throw new ArgumentException($"'{hostPath}' is outside the empty root", nameof(hostPath))
            : "/" + (relative == "." ? "" : relative);
    }

    public ProcessStartInfo Command(string root, params IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(Executables.Find("chroot", "coreutils"));
        psi.ArgumentList.Add(Sandbox.Of(root));
        psi.ArgumentList.Add("/psync-agent");
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        psi.Environment.Remove("PSYNC_CINOTIFY");
        return psi;
    }

    public AgentConnection Start(string root, IReadOnlyDictionary<string, string>? environment = null, bool readOnly = false, Action<string>? onStderr = null) =>
        AgentProcess.Start(Command(root, ["--root", SeenByAgent(root, root), .. readOnly ? new[] { "--read-only" } : []]), environment, onStderr, TimeSpan.FromSeconds(2));
}
