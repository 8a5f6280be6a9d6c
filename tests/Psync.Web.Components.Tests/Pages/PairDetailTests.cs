using Bunit;
using Microsoft.Extensions.DependencyInjection;
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

        // Act
        var cut = RenderDetail(pair.Id);

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

    [Fact]
    public async Task Render_LimitAndWindowOutsideWhichItWaits_HeaderSaysBothAndWaiting()
    {
        // Arrange: a window around now (the appliance's local time) that turns syncing off.
        var now = TimeOnly.FromDateTime(DateTime.Now);
        var window = $"{now.AddHours(-1):HH\\:mm}-{now.AddHours(1):HH\\:mm}=off";
        var (pair, errors) = await _host.Pairs.CreateAsync(new Psync.Web.Pairs.PairRequest("limited", _host.NewFolder("limited-left"), _host.NewFolder("limited-right"),
            BandwidthLimit: 2048, BandwidthWindows: [window]));
        Assert.Empty(errors);

        // Act
        var cut = RenderDetail(pair!.Id);

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Equal($"Bandwidth: 2048 KiB/s; {window} (local time)", cut.Find("#bandwidth").TextContent.Trim());
            Assert.Equal("waiting", cut.Find(".psync-status").GetAttribute("data-state"));
            Assert.Contains("outside its sync window until", cut.Find("#status-reason").TextContent, StringComparison.Ordinal);
        }, PsyncTestHost.Deadline);
    }

    [Fact]
    public async Task Render_PausedByTheDeleteGuard_OffersConfirmDeletes()
    {
        // Arrange: 120 synced files (the guard looks at plans of 100 deletes or more).
        var pair = await _host.CreateLocalPairAsync("guarded");
        for (var i = 0; i < 120; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(pair.LeftRoot, $"f{i}"), "x");
        }
        await WaitUntilAsync(() => Directory.GetFiles(pair.RightRoot).Length == 120, "the files to sync");
        var cut = RenderDetail(pair.Id);
        await cut.WaitForAssertionAsync(() => Assert.Equal("guarded", cut.Find("#pair-name").TextContent.Trim()), PsyncTestHost.Deadline);
        Assert.Empty(cut.FindAll("#confirm-deletes"));

        // Act: 110 of 120 deleted is over the default share of half the tree.
        for (var i = 0; i < 110; i++)
        {
            File.Delete(Path.Combine(pair.LeftRoot, $"f{i}"));
        }

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("#confirm-deletes")), PsyncTestHost.Deadline);
        Assert.Equal(120, Directory.GetFiles(pair.RightRoot).Length);
        // A resume would only hold the same plan again: the panel says what the left lost and offers the two ways on.
        Assert.Empty(cut.FindAll("#resume"));
        Assert.Single(cut.FindAll("#restore-held"));
        Assert.Contains("110 paths gone on the left", cut.Find("#held-deletes").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_PausedWithAReasonSayingConfirm_OffersNoConfirmDeletes()
    {
        // Arrange
        var pair = await _host.CreateLocalPairAsync("held");
        var cut = RenderDetail(pair.Id);
        await cut.WaitForAssertionAsync(() => Assert.Equal("held", cut.Find("#pair-name").TextContent.Trim()), PsyncTestHost.Deadline);

        // Act: a pause that is not the delete guard's, whatever its words.
        _host.Context.Services.GetRequiredService<Psync.Web.Live.PairRunners>().Get(pair.Id)!.Pair.Pause("held to confirm the backup first");

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("#resume")), PsyncTestHost.Deadline);
        Assert.Contains("held to confirm the backup first", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#confirm-deletes"));
    }

    [Fact]
    public async Task EventKindFilter_Opened_OffersEveryEventKindOfTheEngine()
    {
        // Arrange
        var pair = await _host.CreateLocalPairAsync("kinds");
        var cut = RenderDetail(pair.Id);
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll(".psync-filter-kind")), PsyncTestHost.Deadline);

        // Act
        await cut.Find(".psync-filter-kind .mud-input-control-input-container").MouseDownAsync(new());

        // Assert
        var names = Psync.Engine.Sync.EventKinds.All.Select(k => Psync.Engine.Sync.EventKinds.Name(k)).Prepend("any").ToList();
        await cut.WaitForAssertionAsync(() =>
            Assert.Equal(names, cut.FindAll(".mud-popover .mud-list-item").Select(i => i.TextContent.Trim())), PsyncTestHost.Deadline);
    }

    /// <summary>The pair page, with the popover provider its event log's filters (selects) need next to them.</summary>
    [Fact]
    public async Task Render_TabInTheQuery_OpensIt_AndAnotherTabGoesIntoTheAddress()
    {
        // Arrange: the page as a reload of /pairs/ID?tab=charts opens it.
        var pair = await _host.CreateLocalPairAsync("tabbed");
        var navigation = _host.Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo($"/pairs/{pair.Id}?tab=charts");

        // Act
        var cut = _host.Context.Render(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<PairDetail>(1);
            b.AddAttribute(2, nameof(PairDetail.Id), pair.Id);
            b.CloseComponent();
        });

        // Assert: the charts show; a click on Events puts tab=events in the address (replacing it).
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("#pair-charts")), PsyncTestHost.Deadline);
        // Found and clicked in one step: a live update may render the page in between.
        await cut.InvokeAsync(() => cut.FindAll(".mud-tab").First(t => t.TextContent.Trim() == "Events").Click());
        await cut.WaitForAssertionAsync(() => Assert.EndsWith($"/pairs/{pair.Id}?tab=events", navigation.Uri, StringComparison.Ordinal), PsyncTestHost.Deadline);
    }

    private IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> RenderDetail(int id) => _host.Context.Render(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<PairDetail>(1);
        b.AddAttribute(2, nameof(PairDetail.Id), id);
        b.CloseComponent();
    });

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + PsyncTestHost.Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"waited {PsyncTestHost.Deadline} for {what}");
            await Task.Delay(50);
        }
    }
}
