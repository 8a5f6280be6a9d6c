using Bunit;
using MudBlazor;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Pages;

public sealed class PairDetailTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Render_MissingId_ShowsNoPairAlert()
    {
        // Act
        var cut = _host.Context.Render<PairDetail>(p => p.Add(c => c.Id, 42));

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            var alert = cut.Find(".mud-alert");
            Assert.Contains("There is no pair 42.", alert.TextContent, StringComparison.Ordinal);
            Assert.Equal("/", alert.QuerySelector("a")!.GetAttribute("href"));
        }, PsyncTestHost.Deadline);
        Assert.Empty(cut.FindAll("#pair-name"));
    }

    [Fact]
    public async Task Render_RunningPair_ShowsRootsAndItsFirstReconcileInEvents()
    {
        // Arrange
        var pair = await _host.CreateLocalPairAsync("docs");

        // Act: the event log's filters are selects, which need the popover provider next to them.
        var cut = _host.Context.Render(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<PairDetail>(1);
            b.AddAttribute(2, nameof(PairDetail.Id), pair.Id);
            b.CloseComponent();
        });

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Equal("docs", cut.Find("#pair-name").TextContent.Trim());
            Assert.Contains(pair.LeftRoot, cut.Markup, StringComparison.Ordinal);
            Assert.Contains(pair.RightRoot, cut.Markup, StringComparison.Ordinal);
            Assert.Equal($"/pairs/{pair.Id}/edit", cut.Find("a[href$='/edit']").GetAttribute("href"));
        }, PsyncTestHost.Deadline);
        await cut.WaitForAssertionAsync(() =>
            Assert.Contains(cut.FindAll(".psync-events tbody tr"), row => row.TextContent.Contains("reconcile", StringComparison.Ordinal)), PsyncTestHost.Deadline);
    }
}
