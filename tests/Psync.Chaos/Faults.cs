namespace Psync.Chaos;

/// <summary>
/// Injects faults into a running pair, one at a time, at random moments: kills the right agent,
/// drops the ssh connections (kills sshd's session processes), kills the engine and starts it
/// again, and fills the right file system (a tmpfs of its own) for a few seconds.
/// </summary>
internal sealed class Faults(EngineProcess engine, string sshdPidFile, string remoteAgentDir, string fullDiskFiller, Random random, bool fullDisk)
{
    public enum Kind { KillRightAgent, DropSsh, RestartEngine, FullDisk }

    public Dictionary<Kind, int> Injected { get; } = Enum.GetValues<Kind>().ToDictionary(k => k, _ => 0);

    public int Total => Injected.Values.Sum();

    /// <summary>Injects a fault every <paramref name="minGap"/> to 2 × <paramref name="minGap"/> until <paramref name="ct"/> fires.</summary>
    public async Task RunAsync(TimeSpan minGap, CancellationToken ct)
    {
        var kinds = Enum.GetValues<Kind>().Where(k => fullDisk || k != Kind.FullDisk).ToArray();
        var bag = new Queue<Kind>();
        while (true)
        {
            try
            {
                await Task.Delay(minGap * (1 + random.NextDouble()), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            // Every kind once per round, in a random order: a short run still gets each of them.
            if (bag.Count == 0)
            {
                random.Shuffle(kinds);
                kinds.ToList().ForEach(bag.Enqueue);
            }
            var kind = bag.Dequeue();
            engine.Note($"fault: {kind}");
            await InjectAsync(kind);
            Injected[kind]++;
            engine.Note($"fault over: {kind}");
        }
    }

    private async Task InjectAsync(Kind kind)
    {
        switch (kind)
        {
            case Kind.KillRightAgent:
                Procfs.Kill(Procfs.Pids().Where(p => Procfs.Exe(p)?.StartsWith(remoteAgentDir, StringComparison.Ordinal) == true));
                break;
            case Kind.DropSsh:
                var sshd = int.Parse(File.ReadAllText(sshdPidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                Procfs.Kill(Procfs.Pids().Where(p => Procfs.Parent(p) == sshd));
                break;
            case Kind.RestartEngine:
                await engine.KillAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(200 + random.Next(1500)));
                engine.EnsureRunning();
                break;
            case Kind.FullDisk:
                FillUp(fullDiskFiller);
                await Task.Delay(TimeSpan.FromMilliseconds(1000 + random.Next(4000)));
                File.Delete(fullDiskFiller);
                break;
        }
    }

    /// <summary>Writes <paramref name="filler"/> until its file system has no space left.</summary>
    private static void FillUp(string filler)
    {
        var chunk = new byte[1 << 20];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write);
        try
        {
            while (true)
            {
                stream.Write(chunk);
                stream.Flush();
            }
        }
        catch (IOException)
        {
            // ENOSPC: full
        }
    }
}
