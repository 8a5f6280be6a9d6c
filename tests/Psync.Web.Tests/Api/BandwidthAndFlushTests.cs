using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

/// <summary>A pair's bandwidth limit and sync windows through the API, and POST /pairs/{id}/flush.</summary>
public sealed class BandwidthAndFlushTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private HttpClient Client => app.Client;

    [Fact]
    public async Task CreatePair_LimitAndValidWindows_StoredAndShown()
    {
        using var created = await Client.PostAsJsonAsync("/api/v1/pairs", new
        {
            name = "bw-valid",
            leftRoot = app.NewFolder("bw-valid-left"),
            rightRoot = app.NewFolder("bw-valid-right"),
            bandwidthLimit = 2048,
            bandwidthWindows = new[] { "09:00-18:00=512", " 22:00-06:00=unlimited " },
        });

        var pair = await created.ReadAsync<PairResource>(HttpStatusCode.Created);
        Assert.Equal(2048, pair.BandwidthLimit);
        Assert.Equal(["09:00-18:00=512", "22:00-06:00=unlimited"], (await Client.GetPairAsync(pair.Id)).BandwidthWindows);
    }

    [Theory]
    [InlineData("25:00-18:00=100", "Window 25:00-18:00=100: hours are 00–23.")]
    [InlineData("09:00-18:00", "Window '09:00-18:00': write HH:MM-HH:MM=RATE, RATE in KiB/s (0 or unlimited: no limit) or off.")]
    public async Task CreatePair_InvalidWindow_400OnTheField(string window, string message)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/pairs", new
        {
            name = "bw-invalid",
            leftRoot = app.NewFolder("bw-invalid-left"),
            rightRoot = app.NewFolder("bw-invalid-right"),
            bandwidthWindows = new[] { window },
        });

        var problem = await Problem.AssertValidationAsync(response, "bandwidthWindows");
        Assert.Equal([message], problem.Errors["bandwidthWindows"]);
    }

    [Fact]
    public async Task CreatePair_LimitOutOfRange_400()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/pairs", new
        {
            name = "bw-range",
            leftRoot = app.NewFolder("bw-range-left"),
            rightRoot = app.NewFolder("bw-range-right"),
            bandwidthLimit = -1,
        });

        await Problem.AssertValidationAsync(response, "bandwidthLimit");
    }

    [Fact]
    public async Task Flush_RunningPair_200OnceTheChangeIsSynced()
    {
        var left = app.NewFolder("flush-left");
        var right = app.NewFolder("flush-right");
        var pair = await Client.CreateIdlePairAsync("flush", left, right);
        await File.WriteAllTextAsync(Path.Combine(left, "report.txt"), "flushed");

        using var response = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/flush?timeoutSeconds=30", null);

        var after = await response.ReadAsync<PairResource>(HttpStatusCode.OK);
        Assert.Equal("idle", after.Status.State);
        Assert.Equal("flushed", await File.ReadAllTextAsync(Path.Combine(right, "report.txt")));
    }

    [Fact]
    public async Task Flush_PausedPair_409WithTheReason()
    {
        var pair = await Client.CreateIdlePairAsync("flush-paused", app.NewFolder("flush-paused-left"), app.NewFolder("flush-paused-right"));
        using var pause = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);

        using var response = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/flush", null);

        var problem = await Problem.AssertAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("paused", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flush_OutsideTheSyncWindow_WaitingAnd409()
    {
        // A window around now that turns syncing off (the appliance's local time).
        var now = TimeOnly.FromDateTime(DateTime.Now);
        var window = $"{now.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture)}-{now.AddHours(1).ToString("HH:mm", CultureInfo.InvariantCulture)}=off";
        using var created = await Client.PostAsJsonAsync("/api/v1/pairs", new
        {
            name = "flush-window",
            leftRoot = app.NewFolder("flush-window-left"),
            rightRoot = app.NewFolder("flush-window-right"),
            bandwidthWindows = new[] { window },
        });
        var pair = await Client.WaitForStateAsync((await created.ReadAsync<PairResource>(HttpStatusCode.Created)).Id, "waiting");
        Assert.NotNull(pair.Status.WindowOpens);

        using var response = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/flush", null);

        var problem = await Problem.AssertAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("outside its sync window", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/pairs/424242/flush", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/pairs/1/flush?timeoutSeconds=0", HttpStatusCode.BadRequest)]
    public async Task Flush_NoSuchPairOrBadTimeout_Problem(string url, HttpStatusCode status)
    {
        using var response = await Client.PostAsync(url, null);

        await Problem.AssertAsync(response, status);
    }
}
