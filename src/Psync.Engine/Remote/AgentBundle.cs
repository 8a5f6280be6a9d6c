using System.Diagnostics;

namespace Psync.Engine.Remote;

/// <summary>The agent files uploaded to a right host: <c>psync-agent</c> (NativeAOT), <c>cinotify</c> next to it, and the agent's exact version.</summary>
/// <param name="AgentPath">The local psync-agent binary.</param>
/// <param name="CinotifyPath">The local cinotify binary.</param>
/// <param name="Version">What <c>psync-agent --version</c> prints: names the remote folder and is compared with what is installed there.</param>
public sealed record AgentBundle(string AgentPath, string CinotifyPath, string Version)
{
    /// <summary>The only runtime the agent is published for so far.</summary>
    public const string Runtime = "linux-x64";

    /// <summary>The bundle around a local psync-agent: cinotify next to it, the version from <c>psync-agent --version</c>.</summary>
    /// <exception cref="RemoteException">A file is missing or the agent does not answer --version.</exception>
    public static async Task<AgentBundle> FromAgentAsync(string agentPath, CancellationToken ct = default)
    {
        var agent = Path.GetFullPath(agentPath);
        var cinotify = Path.Combine(Path.GetDirectoryName(agent)!, "cinotify");
        foreach (var file in new[] { agent, cinotify })
        {
            if (!File.Exists(file))
            {
                throw new RemoteException($"{file} not found: the agent and cinotify are uploaded together (run the build: scripts/test.sh publishes them to artifacts/agent)");
            }
        }
        var psi = new ProcessStartInfo(agent) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--version");
        using var process = Process.Start(psi) ?? throw new RemoteException($"cannot start {agent}");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var version = (await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false)).Trim();
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0 || version.Length == 0 || version.Contains('\n', StringComparison.Ordinal) || version.Contains('/', StringComparison.Ordinal))
        {
            throw new RemoteException($"{agent} --version did not print a version (exit {process.ExitCode}): {(await stderr.ConfigureAwait(false)).Trim()}");
        }
        return new AgentBundle(agent, cinotify, version);
    }
}
