using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Psync.Web.Auth;
using Psync.Web.Pairs;

namespace Psync.Web.Live;

/// <summary>What <c>/hubs/events</c> sends: the same updates the pages get, debounced.</summary>
public interface IEventsClient
{
    /// <summary>A pair's configuration or status changed.</summary>
    Task PairChanged(PairResource pair);

    Task PairRemoved(int pairId);

    /// <summary>New history events, already stored (their ids continue <c>GET /pairs/{id}/events?since=</c>).</summary>
    Task EventsAppended(int pairId, IReadOnlyList<EventResource> events);

    Task QueueChanged(int pairId, IReadOnlyList<QueueItemResource> queue);

    Task ConflictsChanged(int pairId, IReadOnlyList<ConflictResource> conflicts);
}

/// <summary>
/// The typed hub for external clients; authentication required (cookie, or the bearer token as <c>access_token</c>).
/// It only sends, so a viewer may connect; a method added here states its role (<c>[Authorize(Policy = Roles.Operator)]</c>).
/// </summary>
[Authorize(Policy = Roles.Viewer)]
public sealed class EventsHub(HubSessions sessions) : Hub<IEventsClient>
{
    public override Task OnConnectedAsync()
    {
        sessions.Opened(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Closed(Context);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>Forwards <see cref="LiveUpdates"/> to every hub client.</summary>
public sealed class HubRelay(LiveUpdates live, IHubContext<EventsHub, IEventsClient> hub, IServiceScopeFactory scopes) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = live.Subscribe(SendAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private async Task SendAsync(IReadOnlyList<PairUpdate> batch)
    {
        using var scope = scopes.CreateScope();
        var pairs = scope.ServiceProvider.GetRequiredService<PairService>();
        foreach (var id in batch.Where(u => u.Kind is UpdateKind.Status or UpdateKind.Config).Select(u => u.PairId).Distinct())
        {
            if (await pairs.GetAsync(id) is { } pair)
            {
                await hub.Clients.All.PairChanged(pair);
            }
            else
            {
                await hub.Clients.All.PairRemoved(id);
            }
        }
        foreach (var update in batch)
        {
            switch (update.Kind)
            {
                case UpdateKind.Events:
                    await hub.Clients.All.EventsAppended(update.PairId, update.Events);
                    break;
                case UpdateKind.Queue:
                    await hub.Clients.All.QueueChanged(update.PairId, pairs.QueueOf(update.PairId));
                    break;
                case UpdateKind.Conflicts:
                    await hub.Clients.All.ConflictsChanged(update.PairId, await pairs.ConflictsAsync(update.PairId));
                    break;
            }
        }
    }
}
