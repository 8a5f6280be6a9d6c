using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Psync.Engine.Remote;

/// <summary>
/// An OpenSSH connection of the pair's own (pinned host key) that forwards a local unix socket to
/// the remote agent's rsync socket (<c>ssh -L</c>). rsync's
/// "remote shell" (<c>psync-rsync-stream</c>) connects to the local end, and the agent there
/// starts rsync's remote end: a batch costs one channel on this connection instead of a session
/// whose shell reads the user's <c>.bashrc</c> before rsync starts.
/// </summary>
internal sealed class RsyncForward : IAsyncDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>What the forward's session prints once its shell has started.</summary>
    private const string Ready = "psync-forward-ready";

    private readonly Process _ssh;

    private RsyncForward(Process ssh, string localSocket)
    {
        _ssh = ssh;
        LocalSocket = localSocket;
    }

    /// <summary>The local end, for <c>psync-rsync-stream</c>.</summary>
    public string LocalSocket { get; }

    /// <summary>Starts the forward and checks that it reaches the agent; null (with the reason told to <paramref name="refused"/>) when it does not.</summary>
    /// <param name="ssh">The pair's transport (same key and pinned host key as rsync's ssh).</param>
    /// <param name="remoteSocket">The agent's socket (its hello).</param>
    /// <param name="refused">Told why the forward is not used.</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<RsyncForward?> StartAsync(OpenSshTransport ssh, string remoteSocket, Action<string> refused, CancellationToken ct)
    {
        var local = Path.Combine(ssh.ControlDirectory, "rsync.sock");
        File.Delete(local);
        var psi = new ProcessStartInfo(ssh.SshProgram) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        // Options are first-wins: a connection of its own, not a client of the multiplexing master (whose life is ControlPersist's).
        // A session, not -N: only a session makes both ends set TCP_NODELAY, and without it the
        // channel's small writes wait out delayed ACKs (40 ms each, twice per transfer). Its shell
        // starts once, here; `cat` then waits on the input the engine holds open.
        foreach (var arg in (string[])["-o", "ControlMaster=no", "-o", "ControlPath=none", .. ssh.Arguments(),
            "-o", "ExitOnForwardFailure=yes", "-o", "StreamLocalBindUnlink=yes", "-L", $"{local}:{remoteSocket}", ssh.Host, $"echo {Ready}; cat"])
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi) ?? throw new IOException($"cannot start {ssh.SshProgram}");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == Ready)
            {
                ready.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var forward = new RsyncForward(process, local);
        try
        {
            if (await forward.ProbeAsync(ready.Task, ssh.ConnectTimeout + ProbeTimeout, ct).ConfigureAwait(false) is { } problem)
            {
                string text;
                lock (errors)
                {
                    text = errors.ToString().Trim();
                }
                refused($"{problem}{(text.Length > 0 ? $" ({text})" : "")}: each transfer starts rsync through a login shell");
                await forward.DisposeAsync().ConfigureAwait(false);
                return null;
            }
            return forward;
        }
        catch
        {
            await forward.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits for the session and the local end, then asks the agent through it to answer; null when it did, else what went wrong.</summary>
    private async Task<string?> ProbeAsync(Task sessionReady, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (!sessionReady.IsCompleted || !File.Exists(LocalSocket))
            {
                if (_ssh.HasExited)
                {
                    return "ssh could not set up the forward to the agent";
                }
                await Task.Delay(10, deadline.Token).ConfigureAwait(false);
            }
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(LocalSocket), deadline.Token).ConfigureAwait(false);
            await socket.SendAsync(new byte[] { 0 }, SocketFlags.None, deadline.Token).ConfigureAwait(false); // an empty command: a probe
            var answer = new byte[1];
            return await socket.ReceiveAsync(answer, SocketFlags.None, deadline.Token).ConfigureAwait(false) == 1 && answer[0] == 0
                ? null
                : "the host refused to forward to the agent's socket";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"the forward to the agent did not answer within {timeout.TotalSeconds:0} s";
        }
        catch (SocketException e)
        {
            return $"the forward to the agent failed: {e.Message}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _ssh.Kill();
            await _ssh.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }
        _ssh.Dispose();
        File.Delete(LocalSocket);
    }
}
