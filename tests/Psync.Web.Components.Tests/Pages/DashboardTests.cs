using Bunit;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Pages;

public sealed class DashboardTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Render_PairsExist_ListsThemByName()
    {
        // Arrange
        var docs = await _host.CreateLocalPairAsync("docs");
        var photos = await _host.CreateLocalPairAsync("photos");

        // Act
        var cut = _host.Context.Render<Dashboard>();

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            var links = cut.FindAll("a.psync-pair-name");
            Assert.Equal(["docs", "photos"], links.Select(a => a.TextContent.Trim()));
            Assert.Equal([$"/pairs/{docs.Id}", $"/pairs/{photos.Id}"], links.Select(a => a.GetAttribute("href")));
        }, PsyncTestHost.Deadline);
        Assert.Equal(docs.LeftRoot, cut.FindAll("tr.psync-pair-row")[0].QuerySelector(".psync-path")!.TextContent);
    }

    [Fact]
    public async Task Render_NoPairs_ShowsEmptyState()
    {
        // Act
        var cut = _host.Context.Render<Dashboard>();

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Contains("No pairs yet.", cut.Markup, StringComparison.Ordinal), PsyncTestHost.Deadline);
        Assert.Empty(cut.FindAll("tr.psync-pair-row"));
    }

    [Fact]
    public async Task OnLive_PairCreatedAfterRender_AppearsWithoutReload()
    {
        // Arrange
        await _host.CreateLocalPairAsync("first");
        var cut = _host.Context.Render<Dashboard>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("tr.psync-pair-row")), PsyncTestHost.Deadline);

        // Act
        var second = await _host.CreateLocalPairAsync("second");

        // Assert
        await cut.WaitForAssertionAsync(() =>
            Assert.Equal(["first", "second"], cut.FindAll("a.psync-pair-name").Select(a => a.TextContent.Trim())), PsyncTestHost.Deadline);
        Assert.Equal($"/pairs/{second.Id}", cut.FindAll("a.psync-pair-name")[1].GetAttribute("href"));
    }

    [Fact]
    public async Task Render_OnePairPaused_TotalsRowCountsEachGroup()
    {
        // Arrange
        await _host.CreateLocalPairAsync("docs");
        var photos = await _host.CreateLocalPairAsync("photos");
        await _host.Pairs.PauseAsync(photos.Id);

        // Act
        var cut = _host.Context.Render<Dashboard>();

        // Assert: once docs has finished its first sync.
        await cut.WaitForAssertionAsync(() => Assert.Equal(
            ["1 pair in sync", "0 pairs syncing", "0 pairs in error", "1 pair paused"],
            cut.FindAll("#pair-totals .mud-chip").Select(c => c.TextContent.Trim())), PsyncTestHost.Deadline);
    }

    [Fact]
    public async Task Filter_PartOfAName_ShowsOnlyMatchingPairs()
    {
        // Arrange
        await _host.CreateLocalPairAsync("docs");
        await _host.CreateLocalPairAsync("photos");
        var cut = _host.Context.Render<Dashboard>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("tr.psync-pair-row").Count), PsyncTestHost.Deadline);

        // Act
        cut.Find("#pair-filter").Input("PHO");

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Equal(["photos"], cut.FindAll("a.psync-pair-name").Select(a => a.TextContent.Trim())), PsyncTestHost.Deadline);
    }

    [Fact]
    public async Task TotalsChip_Clicked_ShowsOnlyThatGroup()
    {
        // Arrange
        await _host.CreateLocalPairAsync("docs");
        var photos = await _host.CreateLocalPairAsync("photos");
        await _host.Pairs.PauseAsync(photos.Id);
        var cut = _host.Context.Render<Dashboard>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("tr.psync-pair-row").Count), PsyncTestHost.Deadline);

        // Act
        cut.Find("#pair-totals .mud-chip[data-group='paused']").Click();

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Equal(["photos"], cut.FindAll("a.psync-pair-name").Select(a => a.TextContent.Trim())), PsyncTestHost.Deadline);
    }

    [Theory]
    [InlineData("idle", 0, "in sync")]
    [InlineData("idle", 3, "syncing")]
    [InlineData("reconciling", 0, "syncing")]
    [InlineData("error", 0, "in error")]
    [InlineData("stopped", 0, "in error")]
    [InlineData("waiting", 0, "paused")]
    [InlineData("paused", 2, "paused")]
    public void GroupOf_State_IsTheTotalsRowsGroup(string state, int queue, string group)
    {
        // Arrange
        var pair = Resources.Pair(1, "p", state);

        // Act
        var actual = Dashboard.GroupOf(pair with { Status = pair.Status with { QueueLength = queue } });

        // Assert
        Assert.Equal(group, actual);
    }
}
