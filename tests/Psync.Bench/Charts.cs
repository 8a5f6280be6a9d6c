using ScottPlot;

namespace Psync.Bench;

/// <summary>PNG bar charts (800×450) of one run's figures; returns the files written.</summary>
internal static class Charts
{
    private const int Width = 800;
    private const int Height = 450;

    public static List<string> Write(string dir, Results r)
    {
        Directory.CreateDirectory(dir);
        var written = new List<string>();
        var latency = Labelled(r.Latency, "local").Concat(Labelled(r.SshLatency, "ssh")).ToList();
        if (latency.Count > 0)
        {
            written.Add(Grouped(Path.Combine(dir, "latency.png"), "Latency: one small file (ms)", "ms", latency,
                [("median", s => s.Median), ("p99", s => s.P99)]));
        }
        var burst = Labelled(r.Burst, "local").Concat(Labelled(r.SshBurst, "ssh")).ToList();
        if (burst.Count > 0)
        {
            written.Add(Grouped(Path.Combine(dir, "burst.png"), "Burst: files written at once, until all arrived (s)", "seconds", burst,
                [("median", s => s.Median), ("max", s => s.Max)]));
        }
        foreach (var t in r.BigTrees)
        {
            List<Row> rows =
            [
                new("psync", "psync -s\ninitial sync", t.Initial),
                new("rsync", "rsync -a", t.RsyncInitial),
                new("psync", "psync -s\nno-change restart", t.Restart),
                new("rsync", "rsync -an\nboth ways", t.RsyncDryBoth),
            ];
            written.Add(Grouped(Path.Combine(dir, r.BigTrees.Count == 1 ? "bigtree.png" : $"bigtree-{t.Files}.png"), $"Big tree: {t.Files:N0} files (s)", "seconds", rows,
                [("median", s => s.Median), ("max", s => s.Max)]));
        }
        return written;
    }

    // Short tick labels on two or three lines, so nine groups fit in 800 px.
    private static IEnumerable<Row> Labelled(List<Row> rows, string where) =>
        rows.Select(x => x with { Label = x.Tool == "psync-after" ? $"psync from\nlast write\n{where}" : $"{x.Tool}\n{where}" });

    private static string Grouped(string path, string title, string unit, List<Row> rows, (string Name, Func<Stats, double> Value)[] series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var group = series.Length + 1;
        for (var i = 0; i < rows.Count; i++)
        {
            for (var s = 0; s < series.Length; s++)
            {
                bars.Add(new Bar { Position = (i * group) + s, Value = series[s].Value(rows[i].Stats), FillColor = palette.GetColor(s) });
            }
        }
        plot.Add.Bars(bars);
        var ticks = rows.Select((row, i) => new Tick((i * group) + ((series.Length - 1) / 2.0), row.Label)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Margins(bottom: 0);
        for (var s = 0; s < series.Length; s++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = palette.GetColor(s) });
        }
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title(title);
        plot.YLabel(unit);
        plot.SavePng(path, Width, Height);
        return path;
    }
}
