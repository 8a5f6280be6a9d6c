using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Engine.Sync;
using Psync.Web.Data;
using Psync.Web.Pairs;

namespace Psync.Web.Charts;

/// <summary>
/// Every <see cref="SampleOptions.SampleInterval"/>, stores what each pair did since the previous
/// sample (bytes and files sent, conflicts, errors: differences of its counters) and its queue
/// length, adds it to the hour's rollup, and prunes what is past its retention.
/// </summary>
public sealed class Sampler(IDbContextFactory<PsyncDb> dbs, PairService pairs, IOptions<SampleOptions> options, TimeProvider clock, ILogger<Sampler> log) : BackgroundService
{
    public const int HourSeconds = 3600;
    private static readonly PairCounters Zero = new(0, 0, 0, 0, 0, 0, 0, 0);
    private readonly Dictionary<int, PairCounters> _last = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastPrune = long.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SampleAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Sampling pairs for the charts failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Takes one sample of every pair now (the timer calls it; tests too).</summary>
    public async Task SampleAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            var seconds = (int)Math.Max(1, options.Value.SampleInterval.TotalSeconds);
            var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
            await using var db = await dbs.CreateDbContextAsync(ct);
            var samples = db.Set<SampleEntity>();
            var all = await pairs.ListAsync(ct);
            // A deleted pair's last counters are no longer needed (its samples age out with the retention).
            foreach (var gone in _last.Keys.Except(all.Select(p => p.Id)).ToList())
            {
                _last.Remove(gone);
            }
            foreach (var pair in all)
            {
                var counters = pair.Status.Counters;
                var last = _last.GetValueOrDefault(pair.Id, Zero);
                // A pair restarted (edited, resumed) counts from zero again.
                if (counters.BytesTransferred < last.BytesTransferred || counters.FilesTransferred < last.FilesTransferred || counters.Errors < last.Errors || counters.Conflicts < last.Conflicts)
                {
                    last = Zero;
                }
                _last[pair.Id] = counters;
                var sample = new SampleEntity
                {
                    PairId = pair.Id,
                    Start = now - TimeSpan.FromSeconds(seconds),
                    Seconds = seconds,
                    Bytes = counters.BytesTransferred - last.BytesTransferred,
                    Files = counters.FilesTransferred - last.FilesTransferred,
                    Queue = pair.Status.QueueLength,
                    Conflicts = counters.Conflicts - last.Conflicts,
                    Errors = counters.Errors - last.Errors,
                };
                samples.Add(sample);
                var rollup = await samples.FirstOrDefaultAsync(s => s.PairId == pair.Id && s.Seconds == HourSeconds && s.Start == hour, ct);
                if (rollup is null)
                {
                    samples.Add(new SampleEntity { PairId = pair.Id, Start = hour, Seconds = HourSeconds, Bytes = sample.Bytes, Files = sample.Files, Queue = sample.Queue, Conflicts = sample.Conflicts, Errors = sample.Errors });
                }
                else
                {
                    rollup.Bytes += sample.Bytes;
                    rollup.Files += sample.Files;
                    rollup.Queue = Math.Max(rollup.Queue, sample.Queue);
                    rollup.Conflicts += sample.Conflicts;
                    rollup.Errors += sample.Errors;
                }
            }
            await db.SaveChangesAsync(ct);
            if (_lastPrune == long.MinValue || clock.GetElapsedTime(_lastPrune) > TimeSpan.FromHours(1))
            {
                _lastPrune = clock.GetTimestamp();
                var fine = now - options.Value.FineRetention;
                var rollups = now - options.Value.RollupRetention;
                await samples.Where(s => (s.Seconds != HourSeconds && s.Start < fine) || s.Start < rollups).ExecuteDeleteAsync(ct);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
