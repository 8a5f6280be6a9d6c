using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Psync.Engine.Remote;

namespace Psync.Tests;

/// <summary>
/// A real OpenSSH server on 127.0.0.1 with a free port, its own ed25519 host key and client keys
/// (ed25519, RSA, and an ed25519 key with a passphrase) in a temp folder. Killed on dispose.
/// </summary>
public sealed class SshdFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string Passphrase = "correct horse battery";
    private const string Sshd = "/usr/sbin/sshd";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _log = new();
    private Process? _process;
    private int _hostKeyGeneration;

    public SshdFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("psync-sshd-").FullName;
    }

    /// <summary>PATH for the sessions (to hide a program such as rsync); null keeps sshd's default.</summary>
    public string? PathOverride { get; init; }

    /// <summary>A command that starts sshd (its arguments follow), such as setpriv to drop capabilities from every session; null starts sshd itself.</summary>
    public IReadOnlyList<string>? Launcher { get; init; }

    /// <summary>More sshd_config lines, such as <c>AllowStreamLocalForwarding no</c>.</summary>
    public IReadOnlyList<string> ExtraConfig { get; init; } = [];

    /// <summary>The sessions' <c>~/.bashrc</c> (bash reads it for every command sshd runs, as on real hosts); null writes none.</summary>
    public string? Bashrc { get; init; }

    public string Directory { get; }

    public int Port { get; private set; }

    /// <summary>$HOME in the server's sessions (inside <see cref="Directory"/>).</summary>
    public string Home => Path.Combine(Directory, "home");

    public string Ed25519Key => Path.Combine(Directory, "id_ed25519");

    public string RsaKey => Path.Combine(Directory, "id_rsa");

    public string EncryptedKey => Path.Combine(Directory, "id_ed25519_pass");

    public string HostKeyFile => Path.Combine(Directory, $"host_ed25519_{_hostKeyGeneration}");

    public RemoteAddress Address => new(Environment.UserName, "127.0.0.1", Port);

    /// <summary>The fingerprint of the current host key, computed from its .pub file.</summary>
    public string HostKeyFingerprint => HostKeys.Fingerprint(HostPublicKey);

    public byte[] HostPublicKey => Convert.FromBase64String(File.ReadAllText(HostKeyFile + ".pub").Split(' ')[1]);

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

    public SshSessionOptions Options(string? key = null, string? acceptFingerprint = null) => new()
    {
        Address = Address,
        IdentityFile = key ?? Ed25519Key,
        AcceptFingerprint = acceptFingerprint,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>A known-hosts store in its own folder with this server's key pinned.</summary>
    public KnownHosts PinnedKnownHosts()
    {
        var store = new KnownHosts(Path.Combine(System.IO.Directory.CreateTempSubdirectory("psync-kh-").FullName, "known_hosts"));
        store.Trust("127.0.0.1", Port, "ssh-ed25519", HostPublicKey);
        return store;
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"{Sshd} is missing: run scripts/test.sh, which installs openssh-server");
        }
        System.IO.Directory.CreateDirectory("/run/sshd");
        await KeygenAsync("ed25519", Ed25519Key, "");
        await KeygenAsync("rsa", RsaKey, "");
        await KeygenAsync("ed25519", EncryptedKey, Passphrase);
        var authorized = string.Concat(new[] { Ed25519Key, RsaKey, EncryptedKey }.Select(k => File.ReadAllText(k + ".pub")));
        await File.WriteAllTextAsync(Path.Combine(Directory, "authorized_keys"), authorized);
        await KeygenAsync("ed25519", HostKeyFile, "");
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

    /// <summary>Stops sshd, gives it a new host key, and starts it again on the same port.</summary>
    public async Task RestartWithNewHostKeyAsync()
    {
        await StopAsync();
        _hostKeyGeneration++;
        await KeygenAsync("ed25519", HostKeyFile, "");
        await StartAsync();
    }

    /// <summary>Starts sshd again (after <see cref="StopAsync"/>) on the same port with the same host key.</summary>
    public Task RestartAsync() => StartAsync();

    /// <summary>Kills sshd and every session it started.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            // A finite wait: the unbounded one also waits for EOF on sshd's stderr, which a session
            // orphaned meanwhile (its connection killed under it) can hold open for ever.
            await Task.Run(() => process.WaitForExit(TimeSpan.FromSeconds(10)));
            process.Dispose();
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

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private async Task StartAsync()
    {
        var config = Path.Combine(Directory, "sshd_config");
        var lines = new List<string>
        {
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
            "MaxStartups 100",
            "MaxSessions 100",
        };
        // Sessions get a HOME of their own, so "~/.cache/psync/agent" lands in the temp folder, not in the real home.
        System.IO.Directory.CreateDirectory(Home);
        lines.Add(PathOverride is null ? $"SetEnv \"HOME={Home}\"" : $"SetEnv \"HOME={Home}\" \"PATH={PathOverride}\"");
        lines.AddRange(ExtraConfig);
        if (Bashrc is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(Home, ".bashrc"), Bashrc + "\n");
        }
        await File.WriteAllTextAsync(config, string.Join('\n', lines) + "\n");

        lock (_log)
        {
            _log.Clear();
        }
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var command = Launcher is { Count: > 0 } launcher ? [.. launcher, Sshd] : new[] { Sshd };
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in command[1..].Concat(["-D", "-e", "-f", config]))
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

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task KeygenAsync(string type, string path, string passphrase)
    {
        File.Delete(path);
        File.Delete(path + ".pub");
        var psi = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-q", "-t", type, "-N", passphrase, "-C", "psync-test", "-f", path })
        {
            psi.ArgumentList.Add(arg);
        }
        if (type == "rsa")
        {
            psi.ArgumentList.Add("-b");
            psi.ArgumentList.Add("3072");
        }
        using var process = Process.Start(psi)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen -t {type} failed: {error}");
        }
    }
}
