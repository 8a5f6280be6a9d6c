using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Engine.Sync;
using Psync.Protocol;
using Psync.Web.Data;
using Psync.Web.Pairs;

namespace Psync.Web.Live;

/// <summary>
/// Stores the history events pairs report in the database, in batches, off
/// the engine's threads; then tells <see cref="LiveUpdates"/>, so what the browser shows is
/// already what survives a restart.
/// </summary>
public sealed class HistoryWriter(IDbContextFactory<PsyncDb> dbs, LiveUpdates live, IOptions<EngineOptions> options, TimeProvider clock, ILogger<HistoryWriter> log) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private long _lastPrune = long.MinValue;
    private readonly Channel<Item> _items = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });

    public void Record(int pairId, HistoryEvent e) => _items.Writer.TryWrite(new Item(pairId, e));

    /// <summary>Completes when everything handed in so far is stored (tests, shutdown).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _items.Writer.TryWrite(new Item(0, null, done));
        await done.Task.WaitAsync(ct);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _items.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _items.Reader;
        var batch = new List<Item>();
        // Runs until the channel completes (StopAsync), so what was recorded before a shutdown is kept.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < BatchSize && reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            try
            {
                await StoreAsync(batch);
            }
            catch (Exception e)
            {
                log.LogError(e, "Storing {Count} history items failed", batch.Count);
            }
            foreach (var item in batch)
            {
                item.Done?.TrySetResult();
            }
            batch.Clear();
        }
    }

    private async Task StoreAsync(List<Item> batch)
    {
        await using var db = await dbs.CreateDbContextAsync();
        var events = new List<EventEntity>();
        foreach (var item in batch)
        {
            if (item.Event is { } e)
            {
                events.Add(new EventEntity
                {
                    PairId = item.PairId,
                    Time = e.Time,
                    Kind = e.Kind.Name(),
                    Side = e.Target?.Name(),
                    Path = PathCodec.Display(e.Path),
                    Detail = e.Detail,
                    DurationMs = e.Duration.TotalMilliseconds,
                });
            }
        }
        db.Events.AddRange(events);
        await db.SaveChangesAsync();
        if (_lastPrune == long.MinValue || clock.GetElapsedTime(_lastPrune) > PruneEvery)
        {
            _lastPrune = clock.GetTimestamp();
            var cutoff = clock.GetUtcNow() - options.Value.HistoryRetention;
            await db.Events.Where(e => e.Time < cutoff).ExecuteDeleteAsync();
        }
        foreach (var group in events.GroupBy(e => e.PairId))
        {
            live.Publish(group.Key, UpdateKind.Events, [.. group.Select(EventResource.From)]);
        }
    }

    private sealed record Item(int PairId, HistoryEvent? Event, TaskCompletionSource? Done = null);
}
