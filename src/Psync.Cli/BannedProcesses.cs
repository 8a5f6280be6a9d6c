using System.Globalization;
using System.Text;

namespace Psync.Cli;

/// <summary>A process found running under a banned name.</summary>
internal sealed record RunningProcess(int Pid, string Name);

/// <summary>psync's -b: is a program with one of these names running? Reads /proc (comm, and argv[0] for names longer than comm keeps).</summary>
internal static class BannedProcesses
{
    public static RunningProcess? FindRunning(IReadOnlyCollection<string> names, string procRoot = "/proc", int? selfPid = null)
    {
        if (names.Count == 0)
        {
            return null;
        }
        var self = selfPid ?? Environment.ProcessId;
        IEnumerable<string> dirs;
        try
        {
            dirs = Directory.EnumerateDirectories(procRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        foreach (var dir in dirs)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == self)
            {
                continue;
            }
            try
            {
                var comm = File.ReadAllText(Path.Combine(dir, "comm")).TrimEnd('\n');
                if (names.Contains(comm))
                {
                    return new RunningProcess(pid, comm);
                }
                var cmdline = File.ReadAllBytes(Path.Combine(dir, "cmdline"));
                var end = Array.IndexOf(cmdline, (byte)0);
                var argv0 = Encoding.UTF8.GetString(cmdline, 0, end < 0 ? cmdline.Length : end);
                var program = Path.GetFileName(argv0);
                if (program.Length > 0 && names.Contains(program))
                {
                    return new RunningProcess(pid, program);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process ended while we looked, or is not ours to read
            }
        }
        return null;
    }
}
