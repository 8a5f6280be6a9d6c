namespace Psync.Bench;

/// <summary>Installs Unison and lsyncd when missing and measures their latency and burst on the same workloads.</summary>
internal static class PeerBench
{
    public static readonly string[] Peers = ["unison", "lsyncd"];

    /// <summary>Runs <c>apt-get install -y</c> for the peers that are not on PATH; returns the ones available.</summary>
    public static IReadOnlyList<string> EnsureInstalled(bool install)
    {
        var missing = Peers.Where(p => Tools.Which(p) is null).ToArray();
        if (missing.Length > 0 && install)
        {
            var sudo = Environment.UserName == "root" ? [] : new[] { "sudo", "-n" };
            string[] Cmd(params string[] a) => [.. sudo, .. a];
            var install1 = Cmd(["apt-get", "install", "-y", .. missing]);
            Console.Error.WriteLine($"setup: {string.Join(' ', install1)}");
            Tools.Run(install1[0], install1[1..]);
            if (missing.Any(p => Tools.Which(p) is null))
            {
                var update = Cmd("apt-get", "update");
                Console.Error.WriteLine($"setup: {string.Join(' ', update)}, then again {string.Join(' ', install1)}");
                Tools.Run(update[0], update[1..]);
                Tools.Run(install1[0], install1[1..]);
            }
        }
        var available = Peers.Where(p => Tools.Which(p) is not null).ToArray();
        foreach (var p in Peers.Except(available))
        {
            Console.Error.WriteLine($"setup: {p} is not installed; its figures are left out");
        }
        return available;
    }

    public static async Task<(Stats Latency, Stats Burst)> RunAsync(string peer, int runs, int files, int repeats, Sshd? sshd = null)
    {
        using var tool = peer == "unison" ? await PeerTool.UnisonAsync(sshd) : await PeerTool.LsyncdAsync(sshd);
        var latency = await LatencyBench.MeasureAsync(runs, tool.Left, tool.Right, "lat", failed: () => tool.HasExited);
        var burst = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var (total, _) = await BurstBench.MeasureAsync(files, tool.Left, tool.Right, $"burst-{r}", () => tool.HasExited);
            burst.Add(total);
        }
        return (latency, Stats.Of(burst));
    }
}
