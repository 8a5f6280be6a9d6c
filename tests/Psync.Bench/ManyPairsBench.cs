using System.Diagnostics;
using System.Globalization;

namespace Psync.Bench;

/// <param name="Pairs">Local pairs running at once.</param>
/// <param name="WritesPerSecond">Small files written, spread round-robin over the pairs.</param>
/// <param name="Seconds">How long the writes went on.</param>
/// <param name="ArrivalMs">Each write until the file was complete on the right.</param>
/// <param name="EngineCpuPercent">This process's CPU time over the run, in % of one core.</param>
/// <param name="EngineRssPeak">The largest resident set of this process seen during the run.</param>
/// <param name="Agents">psync-agent processes.</param>
/// <param name="AgentsCpuPercent">Their CPU time together, in % of one core.</param>
/// <param name="AgentsRssPeak">The largest sum of their resident sets seen during the run.</param>
internal sealed record ManyPairsResult(int Pairs, int WritesPerSecond, double Seconds, Stats ArrivalMs, double EngineCpuPercent, long EngineRssPeak, int Agents, double AgentsCpuPercent, long AgentsRssPeak);

/// <summary>Many pairs on one engine under steady small writes: what they cost in CPU and memory, and whether files still arrive at once.</summary>
internal static class ManyPairsBench
{
    public static async Task<ManyPairsResult> RunAsync(int pairCount, TimeSpan duration, int writesPerSecond)
    {
        var pairs = new List<Pair>();
        try
        {
            for (var i = 0; i < pairCount; i++)
            {
                pairs.Add(await Pair.StartAsync());
            }
            var agents = AgentMemorySampler.AgentChildren();
            var agentTicksBefore = agents.Sum(CpuTicks);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            long engineRss = 0, agentsRss = 0;
            var pending = new List<(string Path, Stopwatch Clock)>();
            var arrivals = new List<double>();
            var payload = new byte[200];
            var interval = TimeSpan.FromSeconds(1.0 / writesPerSecond);
            var n = 0;
            while (wall.Elapsed < duration || pending.Count > 0)
            {
                if (wall.Elapsed < duration && wall.Elapsed >= interval * n)
                {
                    var pair = pairs[n % pairs.Count];
                    var name = $"steady-{n}.txt";
                    await File.WriteAllBytesAsync(Path.Combine(pair.Left, name), payload);
                    pending.Add((Path.Combine(pair.Right, name), Stopwatch.StartNew()));
                    n++;
                }
                for (var i = pending.Count - 1; i >= 0; i--)
                {
                    if (new FileInfo(pending[i].Path) is { Exists: true, Length: 200 })
                    {
                        arrivals.Add(pending[i].Clock.Elapsed.TotalMilliseconds);
                        pending.RemoveAt(i);
                    }
                }
                if (n % writesPerSecond == 0)
                {
                    engineRss = Math.Max(engineRss, Environment.WorkingSet);
                    agentsRss = Math.Max(agentsRss, agents.Sum(pid => AgentMemorySampler.StatusBytes(pid, "VmRSS")));
                }
                if (wall.Elapsed > duration + TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"{pending.Count} files had not arrived 30 s after the last write");
                }
                await Task.Delay(2);
            }
            var seconds = wall.Elapsed.TotalSeconds;
            var engineCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / seconds * 100;
            var agentsCpu = (agents.Sum(CpuTicks) - agentTicksBefore) / 100.0 / seconds * 100;
            return new ManyPairsResult(pairCount, writesPerSecond, duration.TotalSeconds, Stats.Of(arrivals), engineCpu, engineRss, agents.Count, agentsCpu, agentsRss);
        }
        finally
        {
            foreach (var pair in pairs)
            {
                await pair.DisposeAsync();
            }
        }
    }

    /// <summary>utime + stime of a process, in clock ticks (100 per second on Linux).</summary>
    private static long CpuTicks(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
