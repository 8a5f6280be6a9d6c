using System.Globalization;

namespace Psync.Bench;

/// <summary>Median, p99 and the spread (min to max) of one figure's samples.</summary>
internal sealed record Stats(int Count, double Median, double P99, double Min, double Max)
{
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("no samples", nameof(samples));
        }
        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        var p99 = sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.99) - 1)];
        return new Stats(sorted.Length, median, p99, sorted[0], sorted[^1]);
    }

    public string Spread(string format) => string.Create(CultureInfo.InvariantCulture, $"{Min.ToString(format, CultureInfo.InvariantCulture)}–{Max.ToString(format, CultureInfo.InvariantCulture)}");
}

/// <summary>One line of a result table: <paramref name="Tool"/> is the key the goals and charts look up.</summary>
internal sealed record Row(string Tool, string Label, Stats Stats);
