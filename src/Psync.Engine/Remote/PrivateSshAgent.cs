using System.Diagnostics;

namespace Psync.Engine.Remote;

/// <summary>
/// An ssh-agent of one pair's own, holding the pair's passphrase-protected key decrypted in its
/// memory, so that rsync's ssh (which cannot be given a passphrase) and SSH.NET log in through it.
/// Its socket lives in the pair's private run folder (mode 0700); disposing ends the agent and removes the socket.
/// The decrypted key is never written to a file.
/// </summary>
internal sealed class PrivateSshAgent : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(10);

    private readonly Process _process;

    private PrivateSshAgent(Process process, string socketPath, string publicKeyFile)
    {
        _process = process;
        SocketPath = socketPath;
        PublicKeyFile = publicKeyFile;
    }

    /// <summary>The agent's socket (SSH_AUTH_SOCK, ssh's IdentityAgent).</summary>
    public string SocketPath { get; }

    /// <summary>The key's public half, for ssh's IdentityFile: ssh then offers exactly this key from the agent.</summary>
    public string PublicKeyFile { get; }

    /// <summary>Decrypts <paramref name="keyFile"/> with <paramref name="passphrase"/>, starts ssh-agent in <paramref name="runDirectory"/> and hands it the key.</summary>
    /// <exception cref="PairException">The key cannot be decrypted (wrong passphrase) or its type cannot be handed over.</exception>
    /// <exception cref="RemoteException">ssh-agent did not start.</exception>
    public static async Task<PrivateSshAgent> StartAsync(string keyFile, string passphrase, string runDirectory, CancellationToken ct)
    {
        using var key = SshSession.LoadKey(keyFile, passphrase);
        var socket = Path.Combine(runDirectory, "agent.sock");
        File.Delete(socket);
        var psi = new ProcessStartInfo("ssh-agent") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-D", "-a", socket })
        {
            psi.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new RemoteException("ssh-agent did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RemoteException($"cannot start ssh-agent (install openssh-client): {e.Message}", e);
        }
        var agent = new PrivateSshAgent(process, socket, Path.Combine(runDirectory, "identity.pub"));
        try
        {
            var deadline = Stopwatch.StartNew();
            // The socket file appears at bind(), a moment before the agent listens on it.
            while (!Listens(socket))
            {
                if (process.HasExited || deadline.Elapsed > StartDeadline)
                {
                    throw new RemoteException($"ssh-agent did not open {socket}: {(process.HasExited ? await process.StandardError.ReadToEndAsync(ct).ConfigureAwait(false) : "not listening within 10 s")}".Trim());
                }
                await Task.Delay(10, ct).ConfigureAwait(false);
            }
            new SshAgentClient(socket).Add(key.Key, $"psync {Path.GetFileName(keyFile)}");
            var blob = key.HostKeyAlgorithms.First().Data;
            await File.WriteAllTextAsync(agent.PublicKeyFile, $"{SshAgentClient.KeyType(blob)} {Convert.ToBase64String(blob)}\n", ct).ConfigureAwait(false);
            return agent;
        }
        catch
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool Listens(string socket)
    {
        try
        {
            using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        File.Delete(SocketPath);
        File.Delete(PublicKeyFile);
    }
}
