using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Web.Data;

namespace Psync.Web.Alerts;

/// <summary>The webhook body: what happened, to which pair, and the text the other channels send. Event: raised, cleared or test. Condition: The rule's condition (e.g. <c>host-unreachable</c>); empty for a test.</summary>
public sealed record AlertPayload(string Event, string Condition, int? RuleId, int? PairId, string? Pair, string Title, string Message, DateTimeOffset Time);

/// <summary>
/// Records each alert as one delivery per channel in the delivery log, then sends it, retrying with a doubling delay.
/// A delivery still pending at shutdown is sent after the next start.
/// </summary>
public sealed class AlertDispatcher(IDbContextFactory<PsyncDb> dbs, AlertSender sender, IOptions<AlertOptions> options, TimeProvider clock, ILogger<AlertDispatcher> log)
    : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Channel<long> _queue = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, Task> _running = new();

    public async Task EnqueueAsync(IReadOnlyList<AlertNotice> notices, CancellationToken ct)
    {
        if (notices.Count == 0)
        {
            return;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var channels = await db.AlertChannels.AsNoTracking().Where(c => c.Enabled).Select(c => c.Id).ToListAsync(ct);
        var deliveries = new List<AlertDeliveryEntity>();
        foreach (var notice in notices)
        {
            var payload = new AlertPayload(notice.Event, notice.Rule.Condition.Name(), notice.Rule.Id, notice.Pair.PairId, notice.Pair.Name, notice.Title, notice.Message, notice.Time);
            foreach (var channel in notice.Rule.ChannelIds.Count == 0 ? channels : channels.Intersect(notice.Rule.ChannelIds))
            {
                deliveries.Add(NewDelivery(channel, payload));
            }
        }
        db.AlertDeliveries.AddRange(deliveries);
        await db.SaveChangesAsync(ct);
        foreach (var delivery in deliveries)
        {
            _queue.Writer.TryWrite(delivery.Id);
        }
    }

    /// <summary>Sends a test message over the channel now, once, and logs it; null when there is no such channel.</summary>
    public async Task<AlertDeliveryEntity?> TestAsync(int channelId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.AlertChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == channelId, ct) is not { } channel)
        {
            return null;
        }
        var delivery = NewDelivery(channelId, new AlertPayload("test", "", null, null, null, "Psync: test alert",
            $"A test of the alert channel '{channel.Name}', sent at {clock.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC.", clock.GetUtcNow()));
        db.AlertDeliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        await AttemptAsync(channel, delivery, ct);
        delivery.Status = delivery.LastError is null ? DeliveryStatus.Sent : DeliveryStatus.Failed;
        await db.SaveChangesAsync(CancellationToken.None);
        return delivery;
    }

    public async Task<IReadOnlyList<AlertDeliveryEntity>> ListAsync(int? channelId, int limit, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var deliveries = db.AlertDeliveries.AsNoTracking();
        if (channelId is { } id)
        {
            deliveries = deliveries.Where(d => d.ChannelId == id);
        }
        return await deliveries.OrderByDescending(d => d.Id).Take(limit).ToListAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var db = await dbs.CreateDbContextAsync(stoppingToken))
        {
            foreach (var id in await db.AlertDeliveries.Where(d => d.Status == DeliveryStatus.Pending).Select(d => d.Id).ToListAsync(stoppingToken))
            {
                _queue.Writer.TryWrite(id);
            }
        }
        await PurgeAsync(stoppingToken);
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                // Each delivery retries on its own, so that a dead channel does not hold up the others.
                _running[id] = DeliverAsync(id, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: what is pending stays pending, for the next start
        }
        await Task.WhenAll(_running.Values);
    }

    /// <summary>Removes deliveries older than <see cref="AlertOptions.DeliveryRetention"/> (done, or given up).</summary>
    public async Task PurgeAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.DeliveryRetention;
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.AlertDeliveries.Where(d => d.CreatedAt < cutoff && d.Status != DeliveryStatus.Pending).ExecuteDeleteAsync(ct);
    }

    private async Task DeliverAsync(long id, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            var delay = options.Value.FirstRetryDelay;
            while (true)
            {
                await using var db = await dbs.CreateDbContextAsync(ct);
                var delivery = await db.AlertDeliveries.SingleOrDefaultAsync(d => d.Id == id, ct);
                if (delivery is not { Status: DeliveryStatus.Pending })
                {
                    return;
                }
                var channel = await db.AlertChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == delivery.ChannelId, ct);
                if (channel is not { Enabled: true })
                {
                    delivery.Status = DeliveryStatus.Failed;
                    delivery.LastError = "the channel was deleted or disabled";
                }
                else
                {
                    await AttemptAsync(channel, delivery, ct);
                    if (delivery.LastError is null)
                    {
                        delivery.Status = DeliveryStatus.Sent;
                    }
                    else if (delivery.Attempts >= options.Value.MaxAttempts)
                    {
                        delivery.Status = DeliveryStatus.Failed;
                    }
                }
                await db.SaveChangesAsync(CancellationToken.None);
                if (delivery.Status != DeliveryStatus.Pending)
                {
                    return;
                }
                await Task.Delay(delay, clock, ct);
                delay *= 2;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stays pending
        }
        catch (Exception e)
        {
            log.LogError(e, "Delivering alert {Delivery} failed", id);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    /// <summary>One attempt: sets <see cref="AlertDeliveryEntity.LastError"/> (null on success), the attempt count and the time sent.</summary>
    private async Task AttemptAsync(AlertChannelEntity channel, AlertDeliveryEntity delivery, CancellationToken ct)
    {
        delivery.Attempts++;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.SendTimeout);
        try
        {
            await sender.SendAsync(channel, delivery, timeout.Token);
            delivery.LastError = null;
            delivery.SentAt = clock.GetUtcNow();
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            delivery.LastError = e is OperationCanceledException ? $"no answer within {options.Value.SendTimeout.TotalSeconds:0} s" : e.Message;
            log.LogWarning("Alert {Delivery} to channel {Channel} failed (attempt {Attempt}): {Error}", delivery.Id, channel.Name, delivery.Attempts, delivery.LastError);
        }
    }

    private AlertDeliveryEntity NewDelivery(int channelId, AlertPayload payload) => new()
    {
        ChannelId = channelId,
        RuleId = payload.RuleId,
        PairId = payload.PairId,
        Event = payload.Event,
        Condition = payload.Condition,
        Title = payload.Title,
        Message = payload.Message,
        Payload = JsonSerializer.Serialize(payload, Json),
        CreatedAt = clock.GetUtcNow(),
    };
}
