using System.Diagnostics;
using Psync.Engine.Agents;

namespace Psync.Agent.Tests.Launchers;

/// <summary>
/// Starts psync-agent through a command of the test's choosing (chroot, qemu) and connects to it,
/// as <see cref="LocalAgent.Start"/> does for the plain binary.
/// </summary>
internal static class AgentProcess
{
    public static AgentConnection Start(ProcessStartInfo psi, IReadOnlyDictionary<string, string>? environment, Action<string>? onStderr, TimeSpan grace)
    {
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onStderr?.Invoke(e.Data);
            }
        };
        process.BeginErrorReadLine();
        // chroot and qemu-user exec the agent in their own process: its pid is the agent's.
        return new AgentConnection(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, new Owner(process, grace))
        {
            ProcessId = process.Id,
        };
    }

    /// <summary>Ends the agent with its connection: end of input first, a kill after <c>grace</c>.</summary>
    private sealed class Owner(Process process, TimeSpan grace) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                process.StandardInput.Close();
                using var cts = new CancellationTokenSource(grace);
                await process.WaitForExitAsync(cts.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }
}
