using System.Globalization;

namespace Psync.Chaos;

/// <summary>
/// `dotnet run --project tests/Psync.Chaos -c Release -- [--seed N] [--duration SECONDS] [--soak] [--report FILE]`:
/// a chaos run (random work on both sides of an ssh pair, faults meanwhile, then the ledger's
/// check), or with --soak an hour of steady work without faults, sampling memory and handles.
/// Exits 0 when nothing was lost and the trees converged, 1 otherwise, 2 on a usage error.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = new ChaosOptions();
        var soak = false;
        string? report = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seed":
                    options = options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) };
                    break;
                case "--duration":
                    options = options with { Duration = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) };
                    break;
                case "--soak":
                    soak = true;
                    break;
                case "--report":
                    report = Value();
                    break;
                case "--work":
                    options = options with { WorkDir = Path.GetFullPath(Value()) };
                    break;
                default:
                    await Console.Error.WriteLineAsync($"unknown option {args[i]}; usage: [--seed N] [--duration SECONDS] [--soak] [--report FILE] [--work DIR]");
                    return 2;
            }
        }
        if (soak)
        {
            options = options with { FaultGap = null, SampleEvery = TimeSpan.FromSeconds(10), MaxPause = TimeSpan.FromMilliseconds(200) };
        }
        var result = await ChaosRun.RunAsync(options, Console.Out);
        report = Path.GetFullPath(report ?? Path.Combine(RepoFiles.Root, "docs", "reliability", soak ? "soak.md" : "chaos.md"));
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        // The chart goes beside the report, under the report's name: --report elsewhere leaves docs/ alone.
        string? chart = null;
        if (result.Samples.Count > 1)
        {
            chart = Path.ChangeExtension(Path.GetFileName(report), ".png");
            Report.Chart(result.Samples, Path.Combine(Path.GetDirectoryName(report)!, chart));
        }
        var markdown = Report.Markdown(result, chart);
        await File.WriteAllTextAsync(report, markdown);
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {report}{(result.Passed ? "" : $"; the run's folders are kept in {result.WorkDir}")}");
        if (result.Passed && options.WorkDir is null)
        {
            Directory.Delete(result.WorkDir, recursive: true);
        }
        return result.Passed ? 0 : 1;
    }
}
