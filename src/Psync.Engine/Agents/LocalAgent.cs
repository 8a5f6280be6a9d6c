using System.Diagnostics;

namespace Psync.Engine.Agents;

/// <summary>Starts <c>psync-agent</c> as a child process for a tree on this host.</summary>
public static class LocalAgent
{
    /// <summary>
    /// Where the agent program for this host is: <paramref name="configured"/> (a --agent or setting) alone when given,
    /// else $PSYNC_AGENT, else next to the running program. Each may name the program or a folder of
    /// published agents (<c>artifacts/agent</c>), in which the host's runtime's is taken. Missing is an
    /// error that says how to build it.
    /// </summary>
    public static string Locate(string? configured = null)
    {
        // A path someone gave is the only one tried: a typo must not quietly run another agent.
        var candidates = configured is not null ? [configured] : new[]
        {
            Environment.GetEnvironmentVariable("PSYNC_AGENT"),
            Path.Combine(AppContext.BaseDirectory, "psync-agent"),
        };
        return candidates
            .Where(p => !string.IsNullOrEmpty(p))
            .Select(p => Remote.AgentBundles.LocalAgent(p!))
            .FirstOrDefault(File.Exists)
            ?? throw new AgentException($"psync-agent not found{(configured is null ? "" : $" at {configured}")}: set PSYNC_AGENT or run the build (scripts/build.sh, or dotnet build Psync.sln)");
    }

    /// <summary>Starts an agent on <paramref name="root"/>; stderr lines go to <paramref name="onStderr"/>.</summary>
    /// <remarks>With <paramref name="readOnly"/> the agent only scans, stats and hashes; it writes nothing into the tree.</remarks>
    public static AgentConnection Start(string agentPath, string root, Action<string>? onStderr = null, IReadOnlyDictionary<string, string>? environment = null, bool readOnly = false)
    {
        var psi = new ProcessStartInfo(agentPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        psi.ArgumentList.Add("--root");
        psi.ArgumentList.Add(root);
        if (readOnly)
        {
            psi.ArgumentList.Add("--read-only");
        }
        var process = Process.Start(psi) ?? throw new AgentException($"cannot start {agentPath}");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onStderr?.Invoke(e.Data);
            }
        };
        process.BeginErrorReadLine();
        return new AgentConnection(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, new ProcessOwner(process))
        {
            ProcessId = process.Id,
        };
    }

    /// <summary>Ends the agent process with its connection.</summary>
    private sealed class ProcessOwner(Process process) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                process.StandardInput.Close(); // end of input: the agent exits by itself
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
    }
}
