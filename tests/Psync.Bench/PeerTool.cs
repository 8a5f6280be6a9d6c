using System.Diagnostics;

namespace Psync.Bench;

/// <summary>Unison or lsyncd running on a left and a right folder, ready once a probe file written before the start has arrived.</summary>
internal sealed class PeerTool : IDisposable
{
    private readonly Process _process;

    private PeerTool(string name, string dir, Process process)
    {
        Name = name;
        Dir = dir;
        _process = process;
    }

    public string Name { get; }

    public string Dir { get; }

    public string Left => Path.Combine(Dir, "left");

    public string Right => Path.Combine(Dir, "right");

    public bool HasExited => _process.HasExited;

    /// <summary>Unison 2.5x without unison-fsmonitor: a full scan every second (<c>-repeat 1</c>).</summary>
    /// <param name="sshd">Null for two local roots; else the right root is <c>ssh://</c> through this sshd (Unison on the far side is this host's).</param>
    public static Task<PeerTool> UnisonAsync(Sshd? sshd = null) => StartAsync("unison", (dir, psi) =>
    {
        psi.Environment["UNISON"] = Directory.CreateDirectory(Path.Combine(dir, "unison-home")).FullName;
        var right = Path.Combine(dir, "right");
        if (sshd is not null)
        {
            var known = Path.Combine(dir, "known_hosts");
            File.WriteAllText(known, $"[127.0.0.1]:{sshd.Port} {File.ReadAllText(Path.Combine(sshd.Dir, "host_ed25519.pub")).Trim()}\n");
            right = $"ssh://{Environment.UserName}@127.0.0.1:{sshd.Port}/{right}";
            psi.ArgumentList.Add("-sshargs");
            psi.ArgumentList.Add($"-i {sshd.ClientKey} -o IdentitiesOnly=yes -o UserKnownHostsFile={known} -o StrictHostKeyChecking=yes -o BatchMode=yes");
        }
        foreach (var a in new[] { Path.Combine(dir, "left"), right, "-batch", "-auto", "-ui", "text", "-repeat", "1", "-times", "-perms", "0", "-confirmbigdel=false", "-logfile", Path.Combine(dir, "unison.log") })
        {
            psi.ArgumentList.Add(a);
        }
    });

    /// <summary>lsyncd's default.rsync, one way, with no batching delay.</summary>
    /// <param name="sshd">Null for a local target; else the target is <c>host:dir</c> through this sshd, with the pinned, multiplexed ssh that Psync's rsync uses.</param>
    public static Task<PeerTool> LsyncdAsync(Sshd? sshd = null) => StartAsync("lsyncd", (dir, psi) =>
    {
        if (sshd is null)
        {
            foreach (var a in new[] { "-nodaemon", "-delay", "0", "-rsync", Path.Combine(dir, "left"), Path.Combine(dir, "right") })
            {
                psi.ArgumentList.Add(a);
            }
            return;
        }
        var ssh = Tools.Transport(sshd, dir);
        var config = Path.Combine(dir, "lsyncd.lua");
        File.WriteAllText(config, $$"""
            settings { nodaemon = true }
            sync {
                default.rsync,
                source = {{Lua(Path.Combine(dir, "left"))}},
                target = {{Lua(ssh.RsyncRemote(Path.Combine(dir, "right")))}},
                delay = 0,
                rsync = { archive = true, rsh = {{Lua(ssh.RsyncShell())}} },
            }
            """);
        psi.ArgumentList.Add(config);
    });

    private static string Lua(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static async Task<PeerTool> StartAsync(string name, Action<string, ProcessStartInfo> configure)
    {
        var dir = Directory.CreateTempSubdirectory($"psync-bench-{name}-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "left"));
        Directory.CreateDirectory(Path.Combine(dir, "right"));
        // The probe is there before the tool starts, so its arrival marks the end of the initial sync.
        await File.WriteAllTextAsync(Path.Combine(dir, "left", "probe"), "probe");
        // Output goes to a file through sh, not to pipes: ssh under Unison sets the shared stdio
        // non-blocking, and Unison then dies with Sys_blocked_io on a full pipe.
        var psi = new ProcessStartInfo("sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$PEER_LOG\" 2>&1 </dev/null");
        psi.ArgumentList.Add(name);
        psi.Environment["PEER_LOG"] = Path.Combine(dir, $"{name}.out");
        configure(dir, psi);
        var process = Process.Start(psi)!;
        var tool = new PeerTool(name, dir, process);
        Console.Error.WriteLine($"{name}: started ({string.Join(' ', psi.ArgumentList.Skip(2))}), waiting for the initial sync");
        try
        {
            await Tools.WaitFileAsync(Path.Combine(dir, "right", "probe"), 5, TimeSpan.FromSeconds(60), () => process.HasExited);
        }
        catch
        {
            tool.Dispose();
            throw;
        }
        return tool;
    }

    /// <summary>SIGTERM and a few seconds to exit cleanly, then SIGKILL for what is left.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Tools.Run("kill", "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        _process.Dispose();
        Tools.Remove(Dir);
    }
}
