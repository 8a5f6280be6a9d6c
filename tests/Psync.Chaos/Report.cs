using System.Globalization;
using System.Text;
using ScottPlot;

namespace Psync.Chaos;

/// <summary>A run's figures as markdown (and, for a soak, PNG charts of memory and handles over time).</summary>
internal static class Report
{
    public static string Markdown(ChaosResult r, string? chart = null)
    {
        var o = r.Options;
        var soak = o.FaultGap is null;
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"## {(soak ? "Soak" : "Chaos")} run: seed {o.Seed}, {o.Duration.TotalMinutes:0.#} min");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {Environment.OSVersion}, commit {Commit()}; `{Command(o)}`. Result: **{(r.Passed ? "passed" : "FAILED")}**.");
        s.AppendLine();
        s.AppendLine("| measure | value |");
        s.AppendLine("|---|---|");
        s.AppendLine(CultureInfo.InvariantCulture, $"| operations executed | {r.Operations.Values.Sum():N0} ({Join(r.Operations)}) |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| operations the file system refused (parent renamed away by the sync, disk full) | {r.Refused:N0} |");
        if (!soak)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| faults injected | {r.Faults.Values.Sum():N0} ({Join(r.Faults)}){(r.FullDiskAvailable ? "" : "; no tmpfs, so no full disk")} |");
        }
        s.AppendLine(CultureInfo.InvariantCulture, $"| versions written | {r.VersionsWritten:N0} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| versions checked (all not thrown away by the workload on every side that saw them) | {r.VersionsChecked:N0} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| versions lost | **{r.Lost.Count}** |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| trees identical after the last write and fault | {(r.Convergence is { } c ? $"{c.TotalSeconds:0.0} s" : $"**not within {o.ConvergeDeadline.TotalSeconds:0} s**")} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| conflict copies at the end | {r.ConflictCopies:N0} |");
        s.AppendLine(CultureInfo.InvariantCulture, $"| engine starts (1 + restarts by the injector) / exits on its own | {r.EngineStarts} / {r.UnexpectedEngineExits} |");
        if (r.Samples.Count > 1)
        {
            var first = r.Samples.First(x => x.At >= r.Samples[^1].At * 0.1);
            var last = r.Samples[^1];
            s.AppendLine(CultureInfo.InvariantCulture, $"| engine resident memory at {first.At.TotalMinutes:0} min / end / peak | {first.EngineMb:0.0} / {last.EngineMb:0.0} / {r.Samples.Max(x => x.EngineMb):0.0} MB |");
            s.AppendLine(CultureInfo.InvariantCulture, $"| engine open handles at {first.At.TotalMinutes:0} min / end / peak | {first.EngineFds} / {last.EngineFds} / {r.Samples.Max(x => x.EngineFds)} |");
            s.AppendLine(CultureInfo.InvariantCulture, $"| engine threads at {first.At.TotalMinutes:0} min / end / peak | {first.EngineThreads} / {last.EngineThreads} / {r.Samples.Max(x => x.EngineThreads)} |");
            s.AppendLine(CultureInfo.InvariantCulture, $"| agents' resident memory at {first.At.TotalMinutes:0} min / end / peak | {first.AgentsMb:0.0} / {last.AgentsMb:0.0} / {r.Samples.Max(x => x.AgentsMb):0.0} MB |");
            s.AppendLine(CultureInfo.InvariantCulture, $"| agents' open handles at {first.At.TotalMinutes:0} min / end / peak | {first.AgentsFds} / {last.AgentsFds} / {r.Samples.Max(x => x.AgentsFds)} |");
        }
        if (chart is not null)
        {
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture, $"![memory and handles over the soak]({chart})");
        }
        foreach (var marker in r.Lost.Take(50))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"- lost: {marker} (ops.log says where it was written)");
        }
        foreach (var d in r.Differences.Take(50))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"- still different: {d}");
        }
        return s.ToString();
    }

    /// <summary>Memory (MB, left axis) and open handles (right axis) of the engine and the agents over the run.</summary>
    public static void Chart(IReadOnlyList<Sample> samples, string path)
    {
        var plot = new Plot();
        var minutes = samples.Select(x => x.At.TotalMinutes).ToArray();
        var engineMb = plot.Add.Scatter(minutes, samples.Select(x => x.EngineMb).ToArray());
        engineMb.LegendText = "engine memory (MB)";
        var agentsMb = plot.Add.Scatter(minutes, samples.Select(x => x.AgentsMb).ToArray());
        agentsMb.LegendText = "agents' memory (MB)";
        var fds = plot.Add.Scatter(minutes, samples.Select(x => (double)x.EngineFds).ToArray());
        fds.LegendText = "engine open handles";
        var threads = plot.Add.Scatter(minutes, samples.Select(x => (double)x.EngineThreads).ToArray());
        threads.LegendText = "engine threads";
        foreach (var line in new[] { engineMb, agentsMb, fds, threads })
        {
            line.MarkerSize = 0;
        }
        plot.Title("Soak: memory and handles over time");
        plot.XLabel("minutes");
        plot.YLabel("MB / count");
        plot.Axes.SetLimitsY(0, Math.Max(10, samples.Max(x => Math.Max(Math.Max(x.EngineMb, x.AgentsMb), Math.Max(x.EngineFds, x.EngineThreads)))) * 1.15);
        plot.ShowLegend(Alignment.LowerRight);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        plot.SavePng(path, 800, 450);
    }

    private static string Commit()
    {
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("git", ["-C", RepoFiles.Root, "rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true };
            using var git = System.Diagnostics.Process.Start(psi)!;
            var head = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return head.Length > 0 ? head : "unknown";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or DirectoryNotFoundException)
        {
            return "unknown";
        }
    }

    private static string Command(ChaosOptions o) =>
        $"dotnet run --project tests/Psync.Chaos -c Release -- {(o.FaultGap is null ? "--soak " : "")}--seed {o.Seed} --duration {o.Duration.TotalSeconds:0}";

    private static string Join<T>(Dictionary<T, int> counts) where T : notnull =>
        string.Join(", ", counts.Select(kv => $"{Words(kv.Key.ToString()!)} {kv.Value:N0}"));

    /// <summary>"KillRightAgent" → "kill right agent".</summary>
    private static string Words(string name) =>
        string.Concat(name.Select((ch, i) => char.IsUpper(ch) && i > 0 ? " " + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
