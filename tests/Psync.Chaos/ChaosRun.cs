using System.Diagnostics;
using Psync.Engine.Check;

namespace Psync.Chaos;

/// <summary>What one run is asked to do.</summary>
internal sealed record ChaosOptions
{
    public int Seed { get; init; } = Environment.TickCount;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest pause between two operations of the workload.</summary>
    public TimeSpan MaxPause { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>Faults come every FaultGap to 2 × FaultGap; none when null (a soak).</summary>
    public TimeSpan? FaultGap { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the trees may take to become identical after the last fault and write.</summary>
    public TimeSpan ConvergeDeadline { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Samples the processes' memory and handles this often (a soak); none when null.</summary>
    public TimeSpan? SampleEvery { get; init; }

    /// <summary>Where the run's folders go; kept when the run fails.</summary>
    public string? WorkDir { get; init; }
}

/// <summary>What a run measured.</summary>
internal sealed record ChaosResult
{
    public required ChaosOptions Options { get; init; }
    public required Dictionary<Workload.Op, int> Operations { get; init; }
    public required int Refused { get; init; }
    public required Dictionary<Faults.Kind, int> Faults { get; init; }
    public required bool FullDiskAvailable { get; init; }
    public required long VersionsWritten { get; init; }
    public required int VersionsChecked { get; init; }
    public required List<string> Lost { get; init; }
    public required TimeSpan? Convergence { get; init; }
    public required List<string> Differences { get; init; }
    public required int ConflictCopies { get; init; }
    public required int UnexpectedEngineExits { get; init; }
    public required int EngineStarts { get; init; }
    public required List<Sample> Samples { get; init; }
    public required string WorkDir { get; init; }

    public bool Passed => Lost.Count == 0 && Convergence is not null && UnexpectedEngineExits == 0;
}

/// <summary>
/// One chaos (or soak) run: a real sshd on loopback, the real `psync` syncing a left folder with a
/// right one over ssh (the right one on a small tmpfs of its own, so that it can be filled),
/// random work on both sides, faults meanwhile, then a wait until the trees are identical and
/// the ledger's check that no version was lost.
/// </summary>
internal static class ChaosRun
{
    public static async Task<ChaosResult> RunAsync(ChaosOptions options, TextWriter progress)
    {
        var work = options.WorkDir ?? Directory.CreateTempSubdirectory("psync-chaos-").FullName;
        Directory.CreateDirectory(work);
        var left = Path.Combine(work, "left");
        var rightFs = Path.Combine(work, "rightfs");
        var right = Path.Combine(rightFs, "right");
        Directory.CreateDirectory(left);
        Directory.CreateDirectory(rightFs);
        // Room for what the run writes (the trash keeps every replaced version: about 20 MB a minute
        // here), so that the disk is full only while the injector fills it.
        var fullDisk = options.FaultGap is not null && await TryMountTmpfsAsync(rightFs, $"{128 + (64 * (int)Math.Ceiling(options.Duration.TotalMinutes))}m");
        Directory.CreateDirectory(right);
        var agent = RepoFiles.PublishedAgent();
        var random = new Random(options.Seed);
        var ledger = new Ledger();
        await using var journal = new StreamWriter(Path.Combine(work, "ops.log")) { AutoFlush = true };
        var workload = new Workload(left, right, ledger, random, journal);
        var samples = new List<Sample>();

        await using var sshd = new SshdFixture();
        await sshd.InitializeAsync();
        string[] args =
        [
            "-r", $"{sshd.Address.User}@127.0.0.1:{sshd.Address.Port}", "-i", sshd.Ed25519Key, $"--accept-host-key={sshd.HostKeyFingerprint}",
            "--data-dir", Path.Combine(work, "data"), "--agent", agent, "-d", Environment.GetEnvironmentVariable("PSYNC_CHAOS_DEBUG") ?? "1",
            // The delete guard would pause the pair for a person's confirmation when directories renamed on both
            // sides at once fall back to copy and delete; it has tests of its own (GuardTests). Deletes still go to the trash.
            "--max-delete-share=1",
            left, right,
        ];
        var engine = new EngineProcess(args, Path.Combine(work, "engine.log"));
        var remoteAgents = Path.Combine(sshd.Home, ".cache", "psync", "agent");
        var faults = new Faults(engine, Path.Combine(sshd.Directory, "sshd.pid"), remoteAgents, Path.Combine(rightFs, "filler"), random, fullDisk);
        try
        {
            progress.WriteLine($"chaos: seed {options.Seed}, {options.Duration.TotalSeconds:0} s, work in {work}{(fullDisk ? "" : " (no tmpfs: no full-disk faults)")}");
            engine.Start();
            // Something on both sides before the faults start, and the first sync done.
            using (var warmup = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            {
                await workload.RunAsync(options.MaxPause, warmup.Token);
            }
            if (await ConvergeAsync(left, right, agent, options.ConvergeDeadline, DateTime.UtcNow) is null)
            {
                throw new InvalidOperationException($"the first sync did not converge within {options.ConvergeDeadline}; see {work}/engine.log");
            }

            using var stop = new CancellationTokenSource(options.Duration);
            var sampler = options.SampleEvery is { } every ? SampleAsync(engine, remoteAgents, every, samples, stop.Token) : Task.CompletedTask;
            var faulting = options.FaultGap is { } gap ? faults.RunAsync(gap, stop.Token) : Task.CompletedTask;
            var reporting = ReportProgressAsync(workload, faults, progress, stop.Token);
            await workload.RunAsync(options.MaxPause, stop.Token);
            await Task.WhenAll(faulting, sampler, reporting);
            engine.EnsureRunning();
            // The workload and the injector have stopped (a fault in progress was finished): from here the pair must converge.
            var quiet = DateTime.UtcNow;
            progress.WriteLine($"chaos: {workload.Total} operations, {faults.Total} faults; waiting for the trees to converge");

            var convergence = await ConvergeAsync(left, right, agent, options.ConvergeDeadline, quiet);
            var differences = convergence is null ? (await CompareAsync(left, right, agent)).Differences.Select(d => d.ToString()).ToList() : [];
            var required = ledger.Required();
            var found = Ledger.Found(left, right);
            var result = new ChaosResult
            {
                Options = options,
                Operations = workload.Done,
                Refused = workload.Refused,
                Faults = faults.Injected,
                FullDiskAvailable = fullDisk,
                VersionsWritten = ledger.VersionsWritten,
                VersionsChecked = required.Count,
                Lost = [.. required.Where(m => !found.Contains(m))],
                Convergence = convergence,
                Differences = differences,
                ConflictCopies = Directory.EnumerateFileSystemEntries(left, "*.psync-conflict-*", SearchOption.AllDirectories).Count(p => !p.Contains("/.psync/", StringComparison.Ordinal)),
                UnexpectedEngineExits = engine.UnexpectedExits,
                EngineStarts = engine.Starts,
                Samples = samples,
                WorkDir = work,
            };
            return result;
        }
        finally
        {
            await engine.DisposeAsync();
            KillStrays(work, sshd.Directory);
            if (fullDisk)
            {
                await RunAsync("umount", "-l", rightFs);
            }
        }
    }

    /// <summary>Polls `psync check -c` until the trees are identical; the time since <paramref name="since"/>, or null at the deadline.</summary>
    private static async Task<TimeSpan?> ConvergeAsync(string left, string right, string agent, TimeSpan deadline, DateTime since)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            if ((await CompareAsync(left, right, agent)).Identical)
            {
                return DateTime.UtcNow - since;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        return null;
    }

    private static Task<CheckReport> CompareAsync(string left, string right, string agent) =>
        TreeComparer.CompareAsync(left, right, new CheckOptions { Checksum = true, AgentPath = agent }, CancellationToken.None);

    private static async Task ReportProgressAsync(Workload workload, Faults faults, TextWriter progress, CancellationToken ct)
    {
        var start = DateTime.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            progress.WriteLine($"chaos: {(DateTime.UtcNow - start).TotalSeconds:0} s, {workload.Total} operations, {faults.Total} faults");
        }
    }

    private static async Task SampleAsync(EngineProcess engine, string remoteAgents, TimeSpan every, List<Sample> samples, CancellationToken ct)
    {
        var start = DateTime.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            if (engine.Pid is { } pid && Sample.Take(pid, remoteAgents, DateTime.UtcNow - start) is { } sample)
            {
                samples.Add(sample);
            }
            try
            {
                await Task.Delay(every, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<bool> TryMountTmpfsAsync(string dir, string size) =>
        Environment.UserName == "root" && await RunAsync("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", dir) == 0;

    private static async Task<int> RunAsync(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    /// <summary>Kills what the killed engines left behind: agents, rsyncs and ssh masters whose command line names the run's folders.</summary>
    private static void KillStrays(params string[] dirs) =>
        Procfs.Kill(Procfs.Pids().Where(pid => Procfs.CommandLine(pid) is { } cmdline && dirs.Any(d => cmdline.Contains(d, StringComparison.Ordinal))));

}
