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
}
