using System.Diagnostics;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Psync.Engine.Sync;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Live;
using Psync.Web.Pairs;

namespace Psync.Web.Components.Tests.Shared;

/// <summary>The out-of-sync tab and count on a real local pair holding a FIFO (a special file, never synced).</summary>
public sealed class OutOfSyncListTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Render_PairWithAFifo_RowWithReasonAndARetryThatReachesThePair()
    {
        // Arrange
        var pair = await PairWithFifoAsync("fifo");

        // Act
        var cut = _host.Context.Render<OutOfSyncList>(p => p.Add(c => c.PairId, pair.Id));

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            var row = Assert.Single(cut.FindAll(".psync-out-of-sync tbody tr"));
            Assert.Equal("pipe", row.QuerySelector(".psync-oos-path")!.TextContent);
            Assert.Equal("special file", row.QuerySelector(".psync-oos-reason")!.TextContent.Trim());
            Assert.Equal("devices, FIFOs and sockets are not synced", row.QuerySelector(".psync-oos-detail")!.TextContent);
            Assert.Equal("1 item out of sync; each is retried by itself, ever less often.", cut.Find("#out-of-sync-summary").TextContent);
        }, PsyncTestHost.Deadline);

        cut.Find(".psync-retry").Click();

        var runner = _host.Context.Services.GetRequiredService<PairRunners>().Get(pair.Id)!;
        await cut.WaitForAssertionAsync(() => Assert.Contains(runner.Pair.History, e => e.Kind == EventKind.Rescan && e.Path == "pipe" && e.Detail == "retrying now"), PsyncTestHost.Deadline);
    }

    [Fact]
    public async Task Render_ReadOnly_NoRetryButtons()
    {
        // Arrange
        var pair = await PairWithFifoAsync("fifo-viewer");

        // Act
        var cut = _host.Context.Render<OutOfSyncList>(p => p.Add(c => c.PairId, pair.Id).Add(c => c.ReadOnly, true));

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll(".psync-out-of-sync tbody tr .psync-oos-path")), PsyncTestHost.Deadline);
        Assert.Empty(cut.FindAll(".psync-retry"));
        Assert.Empty(cut.FindAll("#retry-all"));
    }

    [Fact]
    public async Task Count_NothingThenAFifo_HeaderLineAppearsAndTheTabCounts()
    {
        // Arrange
        var pair = await _host.CreateLocalPairAsync("counted");
        var line = _host.Context.Render<OutOfSyncCount>(p => p.Add(c => c.PairId, pair.Id));
        var tab = _host.Context.Render<OutOfSyncCount>(p => p.Add(c => c.PairId, pair.Id).Add(c => c.Tab, true));
        Assert.Empty(line.FindAll("#out-of-sync-count"));
        Assert.Equal("Out of sync (0)", tab.Find("#out-of-sync-tab").TextContent);

        // Act
        await MkfifoAsync(Path.Combine(pair.LeftRoot, "pipe"));

        // Assert: the live update (the engine's status notification) refreshes both.
        await line.WaitForAssertionAsync(() => Assert.Equal("1 item out of sync", line.Find("#out-of-sync-count").TextContent), PsyncTestHost.Deadline);
        await tab.WaitForAssertionAsync(() => Assert.Equal("Out of sync (1)", tab.Find("#out-of-sync-tab").TextContent), PsyncTestHost.Deadline);
    }

    private async Task<PairResource> PairWithFifoAsync(string name)
    {
        var pair = await _host.CreateLocalPairAsync(name);
        await MkfifoAsync(Path.Combine(pair.LeftRoot, "pipe"));
        return pair;
    }

    private static async Task MkfifoAsync(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        await mkfifo.WaitForExitAsync();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
