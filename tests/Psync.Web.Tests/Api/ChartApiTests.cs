using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Psync.Engine.Index;
using Psync.Engine.Sync;
using Psync.Web.Charts;

namespace Psync.Web.Tests.Api;

/// <summary>Tree totals and chart series through the REST API.</summary>
public sealed class ChartApiTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task Totals_AfterTheFirstSync_AreTheTrees()
    {
        // Arrange: three files (1, 2 and 3 kB) in a folder.
        var left = app.NewFolder("totals-l");
        Directory.CreateDirectory(Path.Combine(left, "sub"));
        for (var i = 1; i <= 3; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(left, "sub", $"f{i}"), new byte[i * 1000]);
        }

        // Act
        var pair = await app.Client.CreateIdlePairAsync("totals", left, app.NewFolder("totals-r"));
        using var response = await app.Client.GetAsync($"/api/v1/pairs/{pair.Id}/totals");

        // Assert
        var totals = await response.ReadAsync<PairTotals>(HttpStatusCode.OK);
        var expected = new TreeTotals(3, 1, 0, 6000);
        Assert.Equal((expected, expected), (totals.Left, totals.Right));
        Assert.Equal(expected, pair.Status.Totals?.Right);
        Assert.Equal((3L, 3L, true), (pair.Status.Progress?.FilesDone, pair.Status.Progress?.Files, pair.Status.Progress?.Finished));
    }

    [Fact]
    public async Task Series_AfterATransfer_HoldsItsBytesAndFiles()
    {
        // Arrange
        var right = app.NewFolder("series-r");
        var pair = await app.Client.CreateIdlePairAsync("series", app.NewFolder("series-l"), right);
        var before = await FilesInLastHourAsync(pair.Id);

        // Act: two files of 10 kB arrive, then a sample is taken.
        await File.WriteAllBytesAsync(Path.Combine(pair.LeftRoot, "a.bin"), new byte[10_000]);
        await File.WriteAllBytesAsync(Path.Combine(pair.LeftRoot, "b.bin"), new byte[10_000]);
        await Eventually.WaitAsync(() => File.Exists(Path.Combine(right, "a.bin")) && File.Exists(Path.Combine(right, "b.bin")), PairsApi.Deadline, "both files to arrive");
        await app.Client.WaitForStateAsync(pair.Id, "idle");
        await app.Services.GetRequiredService<Sampler>().SampleAsync(CancellationToken.None);
        using var response = await app.Client.GetAsync($"/api/v1/pairs/{pair.Id}/series?range=hour");

        // Assert: 360 buckets of 10 s; the transfer is in them; 30 days of conflicts and errors, none.
        var series = await response.ReadAsync<SeriesResource>(HttpStatusCode.OK);
        Assert.Equal((360, 10, "hour"), (series.Points.Count, series.BucketSeconds, series.Range));
        Assert.Equal(2, series.Points.Sum(p => p.Files) - before);
        Assert.Equal(20_000, series.Points.Sum(p => p.BytesPerSecond * series.BucketSeconds), precision: 3);
        Assert.Equal(30, series.Days.Count);
        Assert.All(series.Days, d => Assert.Equal((0L, 0L), (d.Conflicts, d.Errors)));
    }

    [Fact]
    public async Task Series_Day_FiveMinuteBuckets()
    {
        // Arrange
        var pair = await app.Client.CreatePairAsync("series-day", app.NewFolder("day-l"), app.NewFolder("day-r"));

        // Act
        using var response = await app.Client.GetAsync($"/api/v1/pairs/{pair.Id}/series?range=day");

        // Assert
        var series = await response.ReadAsync<SeriesResource>(HttpStatusCode.OK);
        Assert.Equal((288, 300), (series.Points.Count, series.BucketSeconds));
    }

    [Theory]
    [InlineData("week")]
    [InlineData("")]
    [InlineData("HOUR")]
    public async Task Series_UnknownRange_400NamingTheRanges(string range)
    {
        // Arrange
        var pair = await app.Client.CreatePairAsync($"bad-range-{range}", app.NewFolder($"bad-{range}-l"), app.NewFolder($"bad-{range}-r"));

        // Act
        using var response = await app.Client.GetAsync($"/api/v1/pairs/{pair.Id}/series?range={range}");

        // Assert
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("range must be one of: hour, day", problem.Detail);
    }

    [Theory]
    [InlineData("totals")]
    [InlineData("series")]
    public async Task NoSuchPair_404(string what)
    {
        // Act
        using var response = await app.Client.GetAsync($"/api/v1/pairs/987654/{what}");

        // Assert
        var problem = await Problem.AssertAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("there is no pair 987654", problem.Detail);
    }

    [Fact]
    public async Task Viewer_ReadsTotalsAndSeries()
    {
        // Arrange
        var pair = await app.Client.CreateIdlePairAsync("viewed", app.NewFolder("viewed-l"), app.NewFolder("viewed-r"));
        var (_, token) = await RoleUsers.CreateAsync(app, "chart-viewer", "viewer");
        using var viewer = app.ClientWith(token);

        // Act
        using var totals = await viewer.GetAsync($"/api/v1/pairs/{pair.Id}/totals");
        using var series = await viewer.GetAsync($"/api/v1/pairs/{pair.Id}/series");

        // Assert
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (totals.StatusCode, series.StatusCode));
    }

    private async Task<long> FilesInLastHourAsync(int id)
    {
        using var response = await app.Client.GetAsync($"/api/v1/pairs/{id}/series?range=hour");
        return (await response.ReadAsync<SeriesResource>(HttpStatusCode.OK)).Points.Sum(p => p.Files);
    }
}
