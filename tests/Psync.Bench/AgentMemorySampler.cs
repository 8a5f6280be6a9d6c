using System.Globalization;

namespace Psync.Bench;

/// <summary>Samples the peak resident set (VmHWM) of the psync-agent children of a process (this one by default) every 100 ms.</summary>
internal sealed class AgentMemorySampler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _parent;
    private long _peak;

    public AgentMemorySampler(int? parent = null)
    {
        _parent = (parent ?? Environment.ProcessId).ToString(CultureInfo.InvariantCulture);
        _loop = LoopAsync();
    }

    public long Peak => Interlocked.Read(ref _peak);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    /// <summary>VmHWM of /proc/<paramref name="pid"/> in bytes, 0 when it is gone.</summary>
    public static long PeakOf(string pid) => StatusBytes(pid, "VmHWM");

    /// <summary>A size field (VmHWM, VmRSS) of /proc/<paramref name="pid"/>/status in bytes, 0 when it is gone.</summary>
    public static long StatusBytes(string pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var proc in Directory.EnumerateDirectories("/proc"))
            {
                var pid = Path.GetFileName(proc);
                if (!char.IsDigit(pid[0]) || !IsAgentChild(pid, _parent))
                {
                    continue;
                }
                var peak = PeakOf(pid);
                if (peak > Peak)
                {
                    Interlocked.Exchange(ref _peak, peak);
                }
            }
            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The psync-agent processes this process started.</summary>
    public static List<string> AgentChildren()
    {
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        return [.. Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).OfType<string>().Where(pid => char.IsDigit(pid[0]) && IsAgentChild(pid, self))];
    }

    private static bool IsAgentChild(string pid, string parent)
    {
        try
        {
            string? name = null, ppid = null;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Name:", StringComparison.Ordinal))
                {
                    name = line[5..].Trim();
                }
                else if (line.StartsWith("PPid:", StringComparison.Ordinal))
                {
                    ppid = line[5..].Trim();
                    break;
                }
            }
            return name == "psync-agent" && ppid == parent;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
