using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Hosts;
using Psync.Web.Pairs;

namespace Psync.Web.Components.Tests.Pages;

/// <summary>The hosts page without a reachable host: not used, the pairs using a host, and removing one (in use: its pairs named with links; unused: after a confirm).</summary>
public sealed class HostsPageTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HostService Hosts => _host.Context.Services.GetRequiredService<HostService>();

    [Fact]
    public async Task DeleteHost_InUse_NamesItsPairsWithLinksAndKeepsIt()
    {
        // Arrange
        var (host, _) = await Hosts.SaveAsync(null, new HostRequest("nas", "nas.invalid", 22, "psync", GenerateKey: true));
        var (pair, errors) = await _host.Pairs.CreateAsync(new PairRequest("photos", _host.NewFolder("photos-l"), "/srv/photos", HostId: host!.Id));
        Assert.Empty(errors);
        var cut = WithProviders.Render<HostsPage>(_host.Context, new Dictionary<string, object?>());
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll(".psync-host-name")), PsyncTestHost.Deadline);
        Assert.Equal($"/pairs/{pair!.Id}", cut.Find(".psync-hosts .psync-host-pair").GetAttribute("href"));

        // Act
        await cut.Find("[aria-label='delete host']").ClickAsync(new());

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("#host-in-use")), PsyncTestHost.Deadline);
        var alert = cut.Find("#host-in-use");
        Assert.Contains("nas cannot be removed while a pair uses it", alert.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/pairs/{pair.Id}", alert.QuerySelector("a.psync-host-pair")!.GetAttribute("href"));
        Assert.Empty(cut.FindAll(".psync-confirm"));
        Assert.NotNull(await Hosts.GetAsync(host.Id));
    }

    [Fact]
    public async Task DeleteHost_Unused_AsksFirstThenRemoves_ListSaysNotUsed()
    {
        // Arrange
        var (host, _) = await Hosts.SaveAsync(null, new HostRequest("spare", "spare.invalid", 22, "psync", GenerateKey: true));
        var cut = WithProviders.Render<HostsPage>(_host.Context, new Dictionary<string, object?>());
        await cut.WaitForAssertionAsync(() => Assert.Equal("not used", cut.Find(".psync-host-state").GetAttribute("data-state")), PsyncTestHost.Deadline);
        Assert.Equal("not trusted yet", cut.FindAll(".psync-hosts td")[^2].TextContent.Trim());

        // Act: the click's handler waits for the dialog.
        var click = cut.Find("[aria-label='delete host']").ClickAsync(new());
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("#confirm-ok")), PsyncTestHost.Deadline);
        Assert.NotNull(await Hosts.GetAsync(host!.Id));
        Assert.Contains("Nothing changes on spare.invalid", cut.Find("#confirm-text").TextContent, StringComparison.Ordinal);
        await cut.Find("#confirm-ok").ClickAsync(new());
        await click;

        // Assert
        Assert.Null(await Hosts.GetAsync(host.Id));
        await cut.WaitForAssertionAsync(() => Assert.Empty(cut.FindAll(".psync-host-name")), PsyncTestHost.Deadline);
    }
}
