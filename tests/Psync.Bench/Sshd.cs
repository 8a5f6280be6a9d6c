using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Psync.Engine.Remote;

namespace Psync.Bench;

/// <summary>A throwaway sshd on loopback with its own host and client keys, for the ssh figures.</summary>
internal sealed class Sshd : IDisposable
{
    private readonly Process _process;

    private Sshd(string dir, int port, Process process)
    {
        Dir = dir;
        Port = port;
        _process = process;
    }

    public string Dir { get; }

    public int Port { get; }

    public string ClientKey => Path.Combine(Dir, "id_ed25519");

    public string HostKeyFingerprint => HostKeys.Fingerprint(Convert.FromBase64String(File.ReadAllText(Path.Combine(Dir, "host_ed25519.pub")).Split(' ')[1]));

    public string Address => $"{Environment.UserName}@127.0.0.1:{Port}";

    /// <summary>Starts sshd; its sessions' <c>.bashrc</c> sleeps <paramref name="loginShellMs"/> (none if 0), as a login shell that does real work.</summary>
    public static async Task<Sshd> StartAsync(int loginShellMs)
    {
        var dir = Directory.CreateTempSubdirectory("psync-bench-sshd-").FullName;
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir, "host_ed25519"));
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir, "id_ed25519"));
        File.Copy(Path.Combine(dir, "id_ed25519.pub"), Path.Combine(dir, "authorized_keys"));
        var home = Directory.CreateDirectory(Path.Combine(dir, "home")).FullName;
        if (loginShellMs > 0)
        {
            await File.WriteAllTextAsync(Path.Combine(home, ".bashrc"), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"sleep {loginShellMs / 1000.0:0.###}\n"));
        }
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await File.WriteAllTextAsync(Path.Combine(dir, "sshd_config"), $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {dir}/host_ed25519
            AuthorizedKeysFile {dir}/authorized_keys
            PidFile {dir}/sshd.pid
            UsePAM no
            StrictModes no
            PermitRootLogin yes
            SetEnv HOME={home}
            Subsystem sftp internal-sftp
            """);
        Directory.CreateDirectory("/run/sshd");
        var process = Process.Start(new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-e", "-f", Path.Combine(dir, "sshd_config")]) { RedirectStandardError = true })!;
        _ = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
        return new Sshd(dir, port, process);
    }

    /// <summary>One network round trip to sshd in ms (median TCP connect: SYN, SYN-ACK).</summary>
    public double RoundTripMs()
    {
        var samples = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var watch = Stopwatch.StartNew();
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, Port);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        return samples[samples.Count / 2];
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args))!;
        p.WaitForExit();
    }

    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
