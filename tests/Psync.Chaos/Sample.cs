using System.Globalization;

namespace Psync.Chaos;

/// <summary>One reading of the engine's and the agents' resident memory, open handles and threads, from /proc.</summary>
internal sealed record Sample(TimeSpan At, double EngineMb, int EngineFds, int EngineThreads, double AgentsMb, int AgentsFds)
{
    /// <summary>Reads the engine <paramref name="enginePid"/> and its agents: the local one (its child) and the right one (run from <paramref name="remoteAgentDir"/>).</summary>
    public static Sample? Take(int enginePid, string remoteAgentDir, TimeSpan at)
    {
        var engine = Read(enginePid);
        if (engine is null)
        {
            return null;
        }
        var agents = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && IsAgent(pid, enginePid, remoteAgentDir))
            .Select(Read)
            .OfType<Reading>()
            .ToList();
        return new Sample(at, engine.RssKb / 1024.0, engine.Fds, engine.Threads, agents.Sum(a => a.RssKb) / 1024.0, agents.Sum(a => a.Fds));
    }

    private sealed record Reading(long RssKb, int Fds, int Threads);

    private static bool IsAgent(int pid, int enginePid, string remoteAgentDir)
    {
        try
        {
            var exe = new FileInfo($"/proc/{pid}/exe").LinkTarget ?? "";
            if (exe.StartsWith(remoteAgentDir, StringComparison.Ordinal))
            {
                return true;
            }
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
            return parent == enginePid && Path.GetFileName(exe) == "psync-agent";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    private static Reading? Read(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            long Field(string name) => long.Parse(status.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return new Reading(Field("VmRSS:"), Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count(), (int)Field("Threads:"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
