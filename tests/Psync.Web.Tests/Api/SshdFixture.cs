using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Psync.Engine.Remote;

namespace Psync.Web.Tests.Api;

/// <summary>
/// A real OpenSSH server on 127.0.0.1 with a free port, its own ed25519 host key and an ed25519
/// client key in a temp folder; killed on dispose. (A small copy of the engine tests' fixture.)
/// </summary>
public sealed class SshdFixture : IAsyncLifetime
{
    private const string Sshd = "/usr/sbin/sshd";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _log = new();
    private Process? _process;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("psync-sshd-").FullName;

    public int Port { get; private set; }

    /// <summary>$HOME in the server's sessions (inside <see cref="Directory"/>), where a deployed agent lands.</summary>
    public string Home => Path.Combine(Directory, "home");

    /// <summary>The client's private key (OpenSSH format, no passphrase), authorized on this server.</summary>
    public string ClientKey => Path.Combine(Directory, "id_ed25519");

    public string HostKeyFile => Path.Combine(Directory, "host_ed25519");

    /// <summary>The SHA-256 fingerprint of the host key, from its .pub file.</summary>
    public string HostKeyFingerprint => HostKeys.Fingerprint(Convert.FromBase64String(File.ReadAllText(HostKeyFile + ".pub").Split(' ')[1]));

    /// <summary>What sshd wrote to stderr, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"{Sshd} is missing: run scripts/test.sh, which installs openssh-server");
        }
        System.IO.Directory.CreateDirectory("/run/sshd");
        System.IO.Directory.CreateDirectory(Home);
        await KeygenAsync(ClientKey);
        await File.WriteAllTextAsync(Path.Combine(Directory, "authorized_keys"), await File.ReadAllTextAsync(ClientKey + ".pub"));
        await KeygenAsync(HostKeyFile);
        // A port taken between our probe and sshd's bind is retried with another one.
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && Log.Contains("Address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A port nothing listens on (bound, then released).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task StartAsync()
    {
        var config = Path.Combine(Directory, "sshd_config");
        string[] lines =
        [
            $"Port {Port}",
            "ListenAddress 127.0.0.1",
            $"HostKey {HostKeyFile}",
            $"AuthorizedKeysFile {Path.Combine(Directory, "authorized_keys")}",
            $"PidFile {Path.Combine(Directory, "sshd.pid")}",
            "UsePAM no",
            "StrictModes no",
            "PermitRootLogin yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "Subsystem sftp internal-sftp",
            // Sessions get a HOME of their own, so a deployed agent lands in the temp folder, not in the real home.
            $"SetEnv \"HOME={Home}\"",
        ];
        await File.WriteAllTextAsync(config, string.Join('\n', lines) + "\n");

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var psi = new ProcessStartInfo(Sshd) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-D", "-e", "-f", config })
        {
            psi.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (_log)
            {
                _log.AppendLine(e.Data);
            }
            if (e.Data.StartsWith("Server listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("sshd exited"));
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        try
        {
            await listening.Task.WaitAsync(StartDeadline);
            using var probe = new TcpClient();
            await probe.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(StartDeadline);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or SocketException)
        {
            await StopAsync();
            throw new InvalidOperationException($"sshd did not start on port {Port}: {e.Message}\n{Log}", e);
        }
    }

    private async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private static async Task KeygenAsync(string path)
    {
        var psi = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-q", "-t", "ed25519", "-N", "", "-C", "psync-test", "-f", path })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen failed: {error}");
        }
    }
}
