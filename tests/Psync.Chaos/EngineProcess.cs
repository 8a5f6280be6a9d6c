using System.Diagnostics;

namespace Psync.Chaos;

/// <summary>
/// The engine as its own process: the real `psync` (psync.dll from this build) syncing a pair,
/// killed and started again by the fault injector. Its stderr goes to a log that outlives restarts.
/// </summary>
internal sealed class EngineProcess(IReadOnlyList<string> args, string logFile) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _log = new(logFile, append: true) { AutoFlush = true };
    private Process? _process;

    /// <summary>Times the engine exited without being killed by the injector (each is a finding).</summary>
    public int UnexpectedExits { get; private set; }

    public int Starts { get; private set; }

    public int? Pid
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } p ? p.Id : null;
            }
        }
    }

    public void Start()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "psync.dll"));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var log = _log;
        process.OutputDataReceived += (_, e) => Write(log, "out", e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, "err", e.Data);
        process.Exited += (_, _) =>
        {
            lock (_gate)
            {
                if (ReferenceEquals(_process, process))
                {
                    UnexpectedExits++;
                    _process = null;
                    Write(log, "chaos", $"engine exited by itself with code {process.ExitCode}");
                }
            }
        };
        lock (_gate)
        {
            process.Start();
            _process = process;
            Starts++;
        }
        Write(log, "chaos", $"engine started, pid {process.Id}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Kills the engine at once (SIGKILL), as a crash or a power cut would; its agents and rsyncs are orphaned.</summary>
    public async Task KillAsync()
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
            _process = null;
        }
        if (process is null)
        {
            return;
        }
        try
        {
            process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
        }
        // A finite wait: the unbounded one also waits for EOF on the engine's output, which its
        // orphaned children (an ssh master, an rsync) may hold open.
        await Task.Run(() => process.WaitForExit(TimeSpan.FromSeconds(10)));
        process.Dispose();
    }

    /// <summary>Starts the engine again if it is not running (after a kill, or after it exited by itself).</summary>
    public void EnsureRunning()
    {
        if (Pid is null)
        {
            Start();
        }
    }

    /// <summary>Writes a line of the harness's own into the engine's log, so faults and what the engine said line up.</summary>
    public void Note(string line) => Write(_log, "chaos", line);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string stream, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {stream} {line}");
            }
            catch (ObjectDisposedException)
            {
                // a last line from a killed engine, after the run ended
            }
        }
    }
}
