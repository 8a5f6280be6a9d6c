using Psync.Engine.Agents;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Psync.Engine.Remote;

/// <summary>Starts <c>psync-agent</c> on the right host over an SSH exec channel: the same framed protocol as a local agent.</summary>
public static class RemoteAgent
{
    /// <summary>Runs <c>'agentPath' --root 'root'</c> on the session's host; its stdin/stdout carry the protocol, stderr lines go to <paramref name="onStderr"/>.</summary>
    /// <param name="session">The logged-in session.</param>
    /// <param name="agentPath">The remote agent (<see cref="AgentDeployment.AgentPath"/>).</param>
    /// <param name="root">The right tree.</param>
    /// <param name="onStderr">Receives the agent's log lines.</param>
    /// <param name="readOnly">Start the agent with --read-only (scans, stats and hashes only).</param>
    /// <param name="ct">Cancels opening the channel.</param>
    /// <remarks>The connection completes when the agent exits or the SSH connection drops; disposing it ends the agent.</remarks>
    /// <exception cref="RemoteException">The channel could not be opened.</exception>
    public static async Task<AgentConnection> StartAsync(SshSession session, string agentPath, string root, Action<string>? onStderr = null, bool readOnly = false, CancellationToken ct = default)
        => await StartCountedAsync(session, agentPath, root, onStderr, readOnly, null, ct).ConfigureAwait(false);

    internal static async Task<AgentConnection> StartCountedAsync(SshSession session, string agentPath, string root, Action<string>? onStderr, bool readOnly, TrafficCounter? traffic, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(agentPath);
        ArgumentException.ThrowIfNullOrEmpty(root);
        // exec: the agent replaces the shell, so a signal or the channel's end reaches it directly.
        // --serve-rsync: the agent starts rsync's remote end for the pair's transfers (RsyncForward).
        var text = "exec " + ShellQuote.Join(readOnly ? [agentPath, "--root", root, "--read-only"] : [agentPath, "--root", root, "--serve-rsync"]);
        var command = session.CreateCommand(text);
        Task execution;
        Stream input;
        try
        {
            // SSH.NET opens the channel synchronously (one round trip): keep it off the caller's thread.
            execution = await Task.Factory.StartNew(() => command.ExecuteAsync(CancellationToken.None), ct, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default)
                .ConfigureAwait(false);
            input = command.CreateInputStream();
        }
        catch (Exception e) when (e is SshException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            command.Dispose();
            throw new RemoteException($"{session.Address}: cannot start the agent: {e.Message}", e);
        }
        catch (OperationCanceledException)
        {
            command.Dispose();
            throw;
        }
        var stdout = new ChannelOutput(command.OutputStream, traffic);
        var stderr = new ChannelOutput(command.ExtendedOutputStream);
        var sessionGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A dropped connection does not always end the channel's output streams: end them here, so readers see end of stream.
        var closed = session.Closed.Register(() =>
        {
            sessionGone.TrySetResult();
            stdout.Dispose();
            stderr.Dispose();
        });
        var logging = PumpStderrAsync(stderr, onStderr);
        // The exit status does not matter here (the connection's Completion tells the engine); observe a fault so it is not reported as unobserved.
        _ = execution.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        // The agent is gone once its output ended, even before SSH.NET reports the channel closed: a
        // request written in between would be dropped without an error and never answered.
        var ended = Task.WhenAny(execution, sessionGone.Task, stdout.Pump);
        var stdin = new ChannelInput(input, ended, traffic);
        return new AgentConnection(stdin, stdout, new ChannelOwner(command, stdin, [stdout, stderr], ended, logging, closed));
    }

    private static async Task PumpStderrAsync(Stream stderr, Action<string>? onStderr)
    {
        try
        {
            using var reader = new StreamReader(stderr);
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                onStderr?.Invoke(line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SshException)
        {
            // the channel ended
        }
    }

    /// <summary>Ends the remote agent with its connection: end of input first (the agent exits by itself), a kill signal if it does not.</summary>
    private sealed class ChannelOwner(SshCommand command, Stream input, Stream[] outputs, Task ended, Task logging, CancellationTokenRegistration closed) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await closed.DisposeAsync().ConfigureAwait(false);
            input.Dispose();
            try
            {
                await ended.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Kill();
            }
            catch (Exception e) when (e is SshException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException)
            {
                // the channel or the connection is already gone
            }
            await logging.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var output in outputs)
            {
                // ends the threads that drain SSH.NET's streams
                await output.DisposeAsync().ConfigureAwait(false);
            }
            command.Dispose();
        }

        private void Kill()
        {
            try
            {
                command.CancelAsync(forceKill: true, millisecondsTimeout: 500);
            }
            catch (Exception e) when (e is SshException or InvalidOperationException or ObjectDisposedException)
            {
                // the connection is gone, and the agent with it
            }
        }
    }
}
