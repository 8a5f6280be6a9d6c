using Bunit;
using Psync.Engine.Index;
using Psync.Engine.Sync;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Pairs;

namespace Psync.Web.Components.Tests.Shared;

public sealed class PairHeaderTests : IAsyncLifetime
{
    private const double MiB = 1024 * 1024;
    private readonly BunitContext _context = MudContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private static PairResource With(string state, int queue = 0, PairTotals? totals = null, ProgressResource? progress = null, PairCounters? counters = null, double rate = 0)
    {
        var pair = Resources.Pair(1, "docs", state);
        return pair with
        {
            Status = pair.Status with
            {
                QueueLength = queue,
                Totals = totals,
                Progress = progress,
                BytesPerSecond = rate,
                LastSync = Resources.Now.AddSeconds(-21),
                Counters = counters ?? pair.Status.Counters,
            },
        };
    }

    private IRenderedComponent<PairHeader> Render(PairResource pair) =>
        _context.Render<PairHeader>(p => p.Add(c => c.Pair, pair).Add(c => c.Now, Resources.Now));

    [Fact]
    public void Render_IdleWithTotals_ShowsEachTreeAndInSync()
    {
        // Arrange
        var left = new TreeTotals(2000, 12, 0, (long)(7.8 * MiB));
        var right = new TreeTotals(1, 1, 2, 6);

        // Act
        var cut = Render(With("idle", totals: new PairTotals(left, right, Resources.Now)));

        // Assert
        Assert.Equal("Left: 2,000 files, 12 directories, 7.8 MiB", cut.Find("#totals-left").TextContent.Trim());
        Assert.Equal("Right: 1 file, 1 directory, 2 links, 6 B", cut.Find("#totals-right").TextContent.Trim());
        Assert.Equal("in sync", cut.Find("#in-sync").TextContent.Trim());
        Assert.Equal("Last sync: 21 s ago", cut.Find("#last-sync").TextContent.Trim());
    }

    [Fact]
    public void Render_IdleWithAPathOutOfSync_DoesNotSayInSync()
    {
        // Act: idle, nothing queued, but one path (an open conflict, say) has not converged.
        var cut = _context.Render<PairHeader>(p => p.Add(c => c.Pair, With("idle")).Add(c => c.Now, Resources.Now).Add(c => c.OutOfSync, 1));

        // Assert
        Assert.Empty(cut.FindAll("#in-sync"));
    }

    [Fact]
    public void Render_SyncingABurst_OneActivityLineWithABarAndNoStaleLastSync()
    {
        // Arrange: 1,730 of 2,000 files, 6.8 of 7.8 MiB at 3.1 MiB/s.
        var progress = new ProgressResource(2000, 1730, (long)(7.8 * MiB), (long)(6.8 * MiB), 6.8 / 7.8, 3.1 * MiB, 2.2, Resources.Now.AddSeconds(-2), Finished: false);

        // Act
        var cut = Render(With("syncing", queue: 270, progress: progress, rate: 3.1 * MiB));

        // Assert
        Assert.Equal("Sending 1,730 of 2,000 files, 6.8 of 7.8 MiB, 3.1 MiB/s, ~2 s left", cut.Find("#activity-text").TextContent.Trim());
        Assert.Equal("87.2", cut.Find("#bulk-progress").GetAttribute("aria-valuenow"));
        Assert.Empty(cut.FindAll("#in-sync"));
        Assert.Equal("Last sync: syncing now", cut.Find("#last-sync").TextContent.Trim());
        Assert.Equal("Throughput: 3.1 MiB/s", cut.Find("#throughput").TextContent.Trim());
    }

    [Fact]
    public void Render_RunFinished_SaysWhatItDidWithAFullBar()
    {
        // Arrange
        var progress = new ProgressResource(1, 1, 6, 6, 1, 3, 0, Resources.Now.AddSeconds(-2), Finished: true);

        // Act
        var cut = Render(With("idle", progress: progress, counters: new PairCounters(1, 6, 1, 0, 2, 0, 1, 1)));

        // Assert: plurals by count ("1 of 1 file", "1 file", "1 error"), not "file(s)" or "1 files".
        Assert.Equal("Last run: 1 of 1 file, 6 B, 3 B/s", cut.Find("#activity-text").TextContent.Trim());
        Assert.Equal("100", cut.Find("#bulk-progress").GetAttribute("aria-valuenow"));
        Assert.Equal("Since start: 1 file (6 B) sent, 2 moves, 0 deletes, 1 error", cut.Find("#counters").TextContent.Trim());
    }

    [Fact]
    public void Render_NeverStarted_NoTotalsNoBar()
    {
        // Act
        var cut = Render(With("stopped"));

        // Assert
        Assert.Equal("Left: not counted yet", cut.Find("#totals-left").TextContent.Trim());
        Assert.Empty(cut.FindAll("#activity"));
        Assert.Empty(cut.FindAll("#in-sync"));
    }
}
