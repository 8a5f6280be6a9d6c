using System.Diagnostics;
using System.Globalization;

namespace Psync.Chaos;

/// <summary>What the run reads of other processes in /proc; a process gone meanwhile reads as nothing.</summary>
internal static class Procfs
{
    public static IEnumerable<int> Pids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && pid != Environment.ProcessId);

    public static string? Exe(int pid) => Try(() => new FileInfo($"/proc/{pid}/exe").LinkTarget);

    public static string? CommandLine(int pid) => Try(() => File.ReadAllText($"/proc/{pid}/cmdline"));

    /// <summary>The parent pid: the field after the parenthesised name in /proc/PID/stat.</summary>
    public static int? Parent(int pid) => Try(() =>
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return (int?)int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    });

    /// <summary>A number of /proc/PID/status (VmRSS in kB, Threads).</summary>
    public static long? StatusField(int pid, string name) => Try(() =>
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        return (long?)long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    });

    public static int? Fds(int pid) => Try(() => (int?)Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count());

    public static void Kill(IEnumerable<int> pids)
    {
        foreach (var pid in pids.ToList())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // gone already
            }
        }
    }

    private static T? Try<T>(Func<T?> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return default;
        }
    }
}
