using Microsoft.EntityFrameworkCore;
using Psync.Web.Data;

namespace Psync.Web.Charts;

/// <param name="Start">Where the bucket starts (UTC).</param>
/// <param name="BytesPerSecond">File data sent per second over the bucket.</param>
/// <param name="Files">Files sent in the bucket.</param>
/// <param name="Queue">The longest queue sampled in the bucket.</param>
public sealed record SeriesPointResource(DateTimeOffset Start, double BytesPerSecond, long Files, int Queue);

/// <param name="Date">The day (UTC).</param>
/// <param name="Conflicts">Conflicts found that day.</param>
/// <param name="Errors">Errors that day.</param>
public sealed record DayCountResource(DateOnly Date, long Conflicts, long Errors);

/// <param name="PairId">The pair.</param>
/// <param name="Range">hour or day.</param>
/// <param name="BucketSeconds">The length of each point's bucket.</param>
/// <param name="Points">Throughput and queue length, oldest first, one per bucket (empty buckets are zero).</param>
/// <param name="Days">Conflicts and errors per day over the rollups' retention, oldest first.</param>
public sealed record SeriesResource(int PairId, string Range, int BucketSeconds, IReadOnlyList<SeriesPointResource> Points, IReadOnlyList<DayCountResource> Days);

/// <summary>The chart data of a pair, read from the samples <see cref="Sampler"/> stores.</summary>
public sealed class SeriesService(IDbContextFactory<PsyncDb> dbs, Microsoft.Extensions.Options.IOptions<SampleOptions> options, TimeProvider clock)
{
    /// <summary>The ranges a series can have.</summary>
    public static readonly IReadOnlyList<string> Ranges = ["hour", "day"];

    /// <summary>
    /// The last hour in sample-sized buckets, or the last day in 5-minute buckets, and the daily
    /// conflicts and errors of the last <see cref="SampleOptions.RollupRetention"/>.
    /// </summary>
    public async Task<SeriesResource> SeriesAsync(int pairId, string range, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var sample = (int)Math.Max(1, options.Value.SampleInterval.TotalSeconds);
        var (span, bucket) = range == "day" ? (TimeSpan.FromDays(1), Math.Max(300, sample)) : (TimeSpan.FromHours(1), sample);
        var from = now - span;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.Set<SampleEntity>().AsNoTracking()
            .Where(s => s.PairId == pairId && s.Seconds != Sampler.HourSeconds && s.Start >= from)
            .Select(s => new { s.Start, s.Bytes, s.Files, s.Queue })
            .ToListAsync(ct);
        var count = (int)Math.Ceiling(span.TotalSeconds / bucket);
        var bytes = new long[count];
        var files = new long[count];
        var queue = new int[count];
        foreach (var row in rows)
        {
            var i = Math.Clamp((int)((row.Start - from).TotalSeconds / bucket), 0, count - 1);
            bytes[i] += row.Bytes;
            files[i] += row.Files;
            queue[i] = Math.Max(queue[i], row.Queue);
        }
        var points = Enumerable.Range(0, count)
            .Select(i => new SeriesPointResource(from + TimeSpan.FromSeconds((double)i * bucket), (double)bytes[i] / bucket, files[i], queue[i]))
            .ToList();

        var days = (int)Math.Max(1, options.Value.RollupRetention.TotalDays);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var since = new DateTimeOffset(today.AddDays(1 - days).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var rollups = await db.Set<SampleEntity>().AsNoTracking()
            .Where(s => s.PairId == pairId && s.Seconds == Sampler.HourSeconds && s.Start >= since)
            .Select(s => new { s.Start, s.Conflicts, s.Errors })
            .ToListAsync(ct);
        var perDay = rollups.GroupBy(r => DateOnly.FromDateTime(r.Start.UtcDateTime)).ToDictionary(g => g.Key, g => (g.Sum(r => r.Conflicts), g.Sum(r => r.Errors)));
        var dayList = Enumerable.Range(0, days)
            .Select(i => today.AddDays(i - days + 1))
            .Select(d => perDay.TryGetValue(d, out var c) ? new DayCountResource(d, c.Item1, c.Item2) : new DayCountResource(d, 0, 0))
            .ToList();
        return new SeriesResource(pairId, range, bucket, points, dayList);
    }
}
