using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

public sealed class EventsHubTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private static readonly TimeSpan Latency = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task EventsAppended_FileWrittenInIdlePair_ArrivesWithinOneSecond()
    {
        var left = app.NewFolder("live-left");
        var pair = await app.Client.CreateIdlePairAsync("live", left, app.NewFolder("live-right"));
        await using var hub = Connect(app.Token);
        var arrivals = new Dictionary<string, TaskCompletionSource<TimeSpan>>
        {
            ["warm-up.txt"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["timed.txt"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        var watch = new Stopwatch();
        hub.On<int, List<EventResource>>("EventsAppended", (pairId, events) =>
        {
            foreach (var e in events.Where(e => pairId == pair.Id && arrivals.ContainsKey(e.Path)))
            {
                arrivals[e.Path].TrySetResult(watch.Elapsed);
            }
        });
        await hub.StartAsync();
        // One round trip first, so the timed one measures a running appliance, not the first hub send.
        await File.WriteAllTextAsync(Path.Combine(left, "warm-up.txt"), "warm");
        await arrivals["warm-up.txt"].Task.WaitAsync(PairsApi.Deadline);
        await app.Client.WaitForStateAsync(pair.Id, "idle");

        watch.Restart();
        await File.WriteAllTextAsync(Path.Combine(left, "timed.txt"), "now");
        var elapsed = await arrivals["timed.txt"].Task.WaitAsync(PairsApi.Deadline);

        Assert.True(elapsed < Latency, $"the event for timed.txt arrived {elapsed.TotalMilliseconds:F0} ms after the write");
    }

    [Fact]
    public async Task PairChanged_PairPausedThroughApi_ArrivesWithPausedState()
    {
        var pair = await app.Client.CreateIdlePairAsync("live-pause", app.NewFolder("live-pause-left"), app.NewFolder("live-pause-right"));
        await using var hub = Connect(app.Token);
        var paused = new TaskCompletionSource<PairResource>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<PairResource>("PairChanged", p =>
        {
            if (p.Id == pair.Id && p.Paused)
            {
                paused.TrySetResult(p);
            }
        });
        await hub.StartAsync();

        using var response = await app.Client.PostAsync($"/api/v1/pairs/{pair.Id}/pause", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("paused", (await paused.Task.WaitAsync(PairsApi.Deadline)).Status.State);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("psy_wrong")]
    public async Task Connect_NoOrWrongToken_Refused(string? token)
    {
        await using var hub = Connect(token);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
    }

    /// <summary>A hub connection through the in-memory server: long polling (the test server has no websockets for this client), the token as access_token.</summary>
    private HubConnection Connect(string? token) => new HubConnectionBuilder()
        .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/events"), o =>
        {
            o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
            o.Transports = HttpTransportType.LongPolling;
            if (token is not null)
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            }
        })
        .Build();
}
