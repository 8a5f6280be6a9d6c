namespace Psync.Chaos;

/// <summary>One reading of the engine's and the agents' resident memory, open handles and threads, from /proc.</summary>
internal sealed record Sample(TimeSpan At, double EngineMb, int EngineFds, int EngineThreads, double AgentsMb, int AgentsFds)
{
    /// <summary>Reads the engine <paramref name="enginePid"/> and its agents: the local one (its child) and the right one (run from <paramref name="remoteAgentDir"/>).</summary>
    public static Sample? Take(int enginePid, string remoteAgentDir, TimeSpan at)
    {
        if (Read(enginePid) is not { } engine)
        {
            return null;
        }
        var agents = Procfs.Pids().Where(pid => IsAgent(pid, enginePid, remoteAgentDir)).Select(Read).OfType<Reading>().ToList();
        return new Sample(at, engine.RssKb / 1024.0, engine.Fds, engine.Threads, agents.Sum(a => a.RssKb) / 1024.0, agents.Sum(a => a.Fds));
    }

    private sealed record Reading(long RssKb, int Fds, int Threads);

    private static bool IsAgent(int pid, int enginePid, string remoteAgentDir) =>
        Procfs.Exe(pid) is { } exe
        && (exe.StartsWith(remoteAgentDir, StringComparison.Ordinal) || (Path.GetFileName(exe) == "psync-agent" && Procfs.Parent(pid) == enginePid));

    private static Reading? Read(int pid) =>
        Procfs.StatusField(pid, "VmRSS") is { } rss && Procfs.Fds(pid) is { } fds && Procfs.StatusField(pid, "Threads") is { } threads
            ? new Reading(rss, fds, (int)threads)
            : null;
}
