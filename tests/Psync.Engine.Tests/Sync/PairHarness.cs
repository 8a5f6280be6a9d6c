using System.Diagnostics;
using System.Text;
using Psync.Engine.Agents;
using Psync.Protocol;
using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>Two temp trees kept in sync by a real <see cref="SyncPair"/> (real agents, cinotify and rsync).</summary>
internal sealed class PairHarness : IAsyncDisposable
{
    /// <summary>
    /// How long a test waits for a pair to get somewhere before it fails. A bound for a hung pair,
    /// not a speed check (the benchmarks measure speed): a conflict over ssh once took 2.1 s in CI.
    /// </summary>
    public static readonly TimeSpan Converge = TimeSpan.FromSeconds(5);

    private CancellationTokenSource _stop = new();
    private Task? _run;

    private PairHarness(string dir, PairOptions options)
    {
        Dir = dir;
        Options = options;
        Pair = new SyncPair(options);
    }

    public string Dir { get; }

    public PairOptions Options { get; private set; }

    public SyncPair Pair { get; private set; }

    public string Left => Options.LeftRoot;

    public string Right => Options.RightRoot;

    /// <summary>When set, the pairs that <see cref="RestartAsync"/> makes start their agents with it.</summary>
    public Func<Side, string, AgentConnection>? AgentStarter { get; set; }

    public static PairHarness Create(Func<PairOptions, PairOptions>? configure = null)
    {
        var dir = Directory.CreateTempSubdirectory("psync-pair-").FullName;
        var options = new PairOptions
        {
            Name = "test",
            LeftRoot = Directory.CreateDirectory(Path.Combine(dir, "left")).FullName,
            RightRoot = Directory.CreateDirectory(Path.Combine(dir, "right")).FullName,
            DataDir = Path.Combine(dir, "data"),
        };
        return new PairHarness(dir, configure?.Invoke(options) ?? options);
    }

    /// <summary>A pair whose right side is reached over ssh through <paramref name="sshd"/> (on loopback, so the test can look at both trees).</summary>
    public static PairHarness CreateRemote(SshdFixture sshd, Func<PairOptions, PairOptions>? configure = null) =>
        Create(o => (configure ?? (x => x))(o with
        {
            RemoteHost = $"{sshd.Address.User}@127.0.0.1:{sshd.Address.Port}",
            Identity = sshd.Ed25519Key,
            AcceptHostKey = sshd.HostKeyFingerprint,
            AgentPath = Remote.RemoteTestFiles.AgentPath(),
        }));

    public string L(string rel) => Path.Combine(Left, rel);

    public string R(string rel) => Path.Combine(Right, rel);

    /// <summary>Starts the pair, not waiting for anything.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_run))]
    public void Begin() => _run = Pair.RunAsync(_stop.Token);

    /// <summary>Starts the pair and waits for the first reconcile to finish.</summary>
    public async Task StartAsync()
    {
        Begin();
        await WaitUntilAsync(() => Pair.Status.State is PairState.Idle or PairState.Paused || _run.IsCompleted, TimeSpan.FromSeconds(15), "the pair to start",
            () => $"status {Pair.Status}; history:\n{string.Join('\n', Pair.History.TakeLast(30))}");
        if (_run.IsFaulted)
        {
            await _run;
        }
    }

    /// <summary>Stops the pair (as Ctrl-C would) and makes a new one on the same data folder, not started.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            try
            {
                await _run.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (PairException)
            {
                // the pair could not start; StartAsync already threw it to the test
            }
        }
        await Pair.DisposeAsync();
        _run = null;
    }

    /// <summary>Starts a new pair on the same trees and data folder, its options changed by <paramref name="change"/> when given.</summary>
    public async Task RestartAsync(Func<PairOptions, PairOptions>? change = null)
    {
        Options = change?.Invoke(Options) ?? Options;
        Pair = new SyncPair(Options) { AgentStarter = AgentStarter };
        _stop.Dispose();
        _stop = new CancellationTokenSource();
        await StartAsync();
    }

    /// <summary>Waits until both trees are identical (names, kinds, sizes, mtimes, modes, owners, link targets, contents) and the pair is idle.</summary>
    public async Task WaitConvergedAsync(TimeSpan? within = null)
    {
        var deadline = within ?? Converge;
        string? last = null;
        await WaitUntilAsync(() =>
        {
            var left = Snapshot(Left);
            var right = Snapshot(Right);
            last = Diff(left, right);
            return last is null && Pair.Status.State == PairState.Idle;
        }, deadline, "both trees to converge", () => $"{last}; status {Pair.Status}; history:\n{string.Join('\n', Pair.History.TakeLast(30))}");
    }

    /// <summary>kill -9 of the one psync-agent serving <paramref name="root"/> (local or reached over ssh on loopback).</summary>
    public static void KillAgentServing(string root) =>
        Assert.Equal(1, Kill(args => args.Any(a => a.EndsWith("psync-agent", StringComparison.Ordinal) || a.EndsWith("psync-agent.dll", StringComparison.Ordinal)) && args.Contains(root)));

    /// <summary>kill -9 of every rsync process staging into <paramref name="root"/> (into its stage folder <paramref name="batch"/>, when given); returns how many there were.</summary>
    public static int KillRsyncStagingInto(string root, string batch = "") => Kill(RsyncStagingInto(root, batch));

    /// <summary>SIGSTOP to every rsync process staging into <paramref name="root"/>'s stage folder <paramref name="batch"/>: it holds still until killed; returns how many there were.</summary>
    public static int StopRsyncStagingInto(string root, string batch)
    {
        var pids = Find(RsyncStagingInto(root, batch));
        foreach (var pid in pids)
        {
            using var kill = System.Diagnostics.Process.Start("kill", ["-STOP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
        return pids.Count;
    }

    private static Func<string[], bool> RsyncStagingInto(string root, string batch) =>
        args => args[0] == "rsync" && args.Any(a => a.StartsWith($"{root}/.psync/stage/{batch}", StringComparison.Ordinal));

    /// <summary>kill -9 of every process whose arguments match; returns how many.</summary>
    private static int Kill(Func<string[], bool> match)
    {
        var killed = 0;
        foreach (var pid in Find(match))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
                killed++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // gone meanwhile
            }
        }
        return killed;
    }

    /// <summary>The processes whose arguments match.</summary>
    private static List<int> Find(Func<string[], bool> match)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                if (match(File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0')))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }
        }
        return found;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan deadline, string what, Func<string>? explain = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > deadline)
            {
                throw new TimeoutException($"waited {deadline.TotalSeconds:F1}s for {what}: {explain?.Invoke()}");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Every entry below <paramref name="root"/> but .psync: path, type, size, mtime, mode, link target (raw bytes from find), plus file contents.</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var psi = new ProcessStartInfo("find") { RedirectStandardOutput = true };
        foreach (var arg in new[] { root, "-mindepth", "1", "-path", Path.Combine(root, ".psync"), "-prune", "-o", "-printf", @"%P\0%y %s %T@ %m %l %U:%G\0" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        using var buffer = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        var fields = buffer.ToArray().AsSpan();
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (!fields.IsEmpty)
        {
            var a = fields.IndexOf((byte)0);
            var name = PathCodec.Decode(fields[..a]);
            fields = fields[(a + 1)..];
            var b = fields.IndexOf((byte)0);
            var info = Encoding.UTF8.GetString(fields[..b]);
            fields = fields[(b + 1)..];
            if (info.StartsWith("d ", StringComparison.Ordinal))
            {
                var parts = info.Split(' ');
                info = $"d {parts[3]} {parts[^1]}"; // a directory's size and mtime follow its contents
            }
            else if (info.StartsWith("f ", StringComparison.Ordinal) && !name.Any(char.IsSurrogate))
            {
                try
                {
                    info += " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(root, name))))[..16];
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Changed since find listed it (gone, or a directory now: EISDIR reads as
                    // access denied): not converged yet, and the next look sees the new state.
                    info += " (changing)";
                }
            }
            result[name] = info;
        }
        return result;
    }

    public static string? Diff(SortedDictionary<string, string> left, SortedDictionary<string, string> right)
    {
        foreach (var (path, info) in left)
        {
            if (!right.TryGetValue(path, out var other))
            {
                return $"only left: {PathCodec.Display(path)}";
            }
            if (other != info)
            {
                return $"differs: {PathCodec.Display(path)}: left {info}, right {other}";
            }
        }
        var extra = right.Keys.FirstOrDefault(k => !left.ContainsKey(k));
        return extra is null ? null : $"only right: {PathCodec.Display(extra)}";
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            // Paths past PATH_MAX defeat Directory.Delete; rm walks them one directory at a time.
            using var rm = Process.Start("rm", ["-rf", Dir]);
            await rm.WaitForExitAsync();
        }
    }
}
