using System.Globalization;

namespace Psync.Bench;

/// <summary>The command line: sizes, repeats and where the report and charts go.</summary>
internal sealed record BenchOptions
{
    public bool Quick { get; init; }

    /// <summary>Every workload on a private tmpfs instead of a fresh ext4 (<see cref="ScratchFs.InMemory"/>).</summary>
    public bool Tmpfs { get; init; }

    public int LatencyRuns { get; init; } = 50;

    public int BurstFiles { get; init; } = 10_000;

    public int RenameFiles { get; init; } = 10_000;

    public IReadOnlyList<int> BigTreeFiles { get; init; } = [100_000, 1_000_000];

    public int Repeats { get; init; } = 3;

    public int ManyPairs { get; init; } = 20;

    /// <summary>Files of the durable-commit comparison (<see cref="DurabilityBench"/>).</summary>
    public int DurabilityFiles { get; init; } = 50_000;

    public int ManyPairsSeconds { get; init; } = 30;

    public string Output { get; init; } = "docs/BENCHMARKS.md";

    public string Charts { get; init; } = "docs/benchmarks";

    public bool InstallPeers { get; init; } = true;

    /// <summary>What the ssh host's <c>.bashrc</c> sleeps, in ms: a login shell that does real work, as real hosts have.</summary>
    public int LoginShellMs { get; init; } = 300;

    public IReadOnlySet<string> Skip { get; init; } = new HashSet<string>();

    public const string Usage = """
        usage: Psync.Bench [--quick] [--tmpfs] [--out FILE] [--charts DIR] [--runs N] [--files N] [--rename-files N]
                           [--bigtree-files N[,N...]] [--repeats N] [--no-install] [--login-shell-ms N]
                           [--skip ssh,peers,bigtree,rename,manypairs,durability]
          --quick   latency 15 runs, burst and rename 2,000 files, big tree 20,000, durable commits 10,000, 2 repeats, 20 pairs for 10 s (< 5 min);
                    the full mode has big trees of 100,000 and 1,000,000 files (about 45 min in all)
          --tmpfs   every workload on a private tmpfs (as root), so no disk is measured; the big tree is 50,000 files, 5 repeats, no durable commits
                    and the report goes to docs/BENCHMARKS-tmpfs.md, charts to docs/benchmarks/tmpfs (unless given)
          --login-shell-ms  what the ssh host's .bashrc sleeps (default 300; 0 writes no .bashrc)
        """;

    public bool Runs(string workload) => !Skip.Contains(workload);

    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions();
        if (args.Contains("--tmpfs"))
        {
            // Durable commits are measured on a disk: on a tmpfs a sync costs nothing.
            o = o with { Tmpfs = true, BigTreeFiles = [50_000], Repeats = 5, Output = "docs/BENCHMARKS-tmpfs.md", Charts = "docs/benchmarks/tmpfs", Skip = new HashSet<string> { "durability" } };
        }
        if (args.Contains("--quick"))
        {
            o = o with { Quick = true, LatencyRuns = 15, BurstFiles = 2_000, RenameFiles = 2_000, BigTreeFiles = [20_000], Repeats = 2, ManyPairsSeconds = 10, DurabilityFiles = 10_000 };
        }
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--quick" or "--tmpfs": break;
                case "--help":
                    Console.WriteLine(Usage);
                    return null;
                case "--runs": o = o with { LatencyRuns = Next() }; break;
                case "--files": o = o with { BurstFiles = Next() }; break;
                case "--rename-files": o = o with { RenameFiles = Next() }; break;
                case "--bigtree-files": o = o with { BigTreeFiles = [.. args[++i].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))] }; break;
                case "--repeats": o = o with { Repeats = Next() }; break;
                case "--out": o = o with { Output = args[++i] }; break;
                case "--charts": o = o with { Charts = args[++i] }; break;
                case "--no-install": o = o with { InstallPeers = false }; break;
                case "--login-shell-ms": o = o with { LoginShellMs = Next() }; break;
                case "--skip": o = o with { Skip = o.Skip.Union(args[++i].Split(',')).ToHashSet() }; break;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}");
                    Console.Error.WriteLine(Usage);
                    return null;
            }
        }
        return o;
    }
}
