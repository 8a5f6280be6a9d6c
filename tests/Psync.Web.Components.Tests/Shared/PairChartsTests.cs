using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Psync.Web.Charts;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Data;

namespace Psync.Web.Components.Tests.Shared;

public sealed class PairChartsTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Render_SamplesStored_DrawsThroughputQueueAndDays()
    {
        // Arrange: a sample 30 s ago with 1 MiB sent and 5 queued, and an hourly rollup with a conflict and two errors.
        var now = DateTimeOffset.UtcNow;
        var dbs = _host.Context.Services.GetRequiredService<IDbContextFactory<PsyncDb>>();
        await using (var db = await dbs.CreateDbContextAsync())
        {
            db.Set<SampleEntity>().AddRange(
                new SampleEntity { PairId = 3, Start = now.AddSeconds(-30), Seconds = 10, Bytes = 1024 * 1024, Files = 4, Queue = 5 },
                new SampleEntity { PairId = 3, Start = now.AddMinutes(-5), Seconds = Sampler.HourSeconds, Conflicts = 1, Errors = 2 });
            await db.SaveChangesAsync();
        }

        // Act
        var cut = _host.Context.Render<PairCharts>(p => p.Add(c => c.PairId, 3));

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            Assert.NotEmpty(cut.FindAll("#chart-throughput svg path.mud-chart-line"));
            Assert.NotEmpty(cut.FindAll("#chart-queue svg path.mud-chart-line"));
            Assert.NotEmpty(cut.FindAll("#chart-days svg"));
        }, PsyncTestHost.Deadline);
        Assert.StartsWith("1 interval with data in the last hour", cut.Find("#chart-note").TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_NoSamples_ChartsOfZeros()
    {
        // Act
        var cut = _host.Context.Render<PairCharts>(p => p.Add(c => c.PairId, 99).Add(c => c.Range, "day"));

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.StartsWith("0 intervals with data in the last day", cut.Find("#chart-note").TextContent.Trim(), StringComparison.Ordinal), PsyncTestHost.Deadline);
    }
}
