namespace Psync.Bench;

/// <summary>Everything one run measured, for the report, the goals and the charts.</summary>
internal sealed class Results
{
    public List<Row> Latency { get; } = [];

    public List<Row> SshLatency { get; } = [];

    public List<Row> Burst { get; } = [];

    public List<Row> SshBurst { get; } = [];

    public RenameResult? Rename { get; set; }

    public List<BigTreeResult> BigTrees { get; } = [];

    public ManyPairsResult? ManyPairs { get; set; }

    public List<DurabilityResult> Durability { get; } = [];

    public List<string> Notes { get; } = [];

    /// <summary>What the ssh host's .bashrc slept, in ms.</summary>
    public int LoginShellMs { get; set; }

    /// <summary>One round trip to the ssh host, in ms.</summary>
    public double SshRoundTripMs { get; set; }

    /// <summary>What the workloads' folders are on (<see cref="ScratchFs.Kind"/>).</summary>
    public string WorkFileSystem { get; set; } = "the temp folder's file system";

    public static Stats? Find(List<Row> rows, string tool) => rows.FirstOrDefault(r => r.Tool == tool)?.Stats;
}

internal sealed record RenameResult(int Files, Stats Seconds, long MaxBytes);

/// <summary>
/// Big tree figures in seconds (<c>RsyncAsPsync</c>: rsync alone as Psync runs it for a tree of
/// new files, <see cref="Tools.RsyncAsPsync"/>); memory in bytes (peak resident set, VmHWM, of the
/// psync process and of its largest agent).
/// </summary>
internal sealed record BigTreeResult(int Files, int Dirs, string FileSystem, Stats Initial, Stats RsyncInitial, Stats Restart, Stats RsyncDryBoth, Stats RsyncAsPsync, long EnginePeak, long AgentPeak);
