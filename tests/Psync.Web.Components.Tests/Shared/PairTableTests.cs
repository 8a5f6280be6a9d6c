using Bunit;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Shared;

public sealed class PairTableTests : IAsyncLifetime
{
    private readonly BunitContext _context = MudContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void Render_Pairs_ShowsOneRowPerPairLinkingToItsPage()
    {
        // Arrange
        var pairs = new[] { Resources.Pair(1, "docs"), Resources.Pair(7, "photos", state: "syncing") };

        // Act
        var cut = _context.Render<PairTable>(p => p.Add(c => c.Pairs, pairs).Add(c => c.Now, Resources.Now));

        // Assert
        var rows = cut.FindAll("tr.psync-pair-row");
        Assert.Equal(2, rows.Count);
        var links = cut.FindAll("a.psync-pair-name");
        Assert.Equal(["/pairs/1", "/pairs/7"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal(["docs", "photos"], links.Select(a => a.TextContent.Trim()));
        Assert.Equal(["idle", "syncing"], cut.FindAll(".psync-status").Select(s => s.GetAttribute("data-state")));
        Assert.Contains("/srv/docs/left", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("/srv/docs/right", rows[0].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoPairs_ShowsEmptyStateLinkingToNewPair()
    {
        // Act
        var cut = _context.Render<PairTable>(p => p.Add(c => c.Pairs, []));

        // Assert
        Assert.Empty(cut.FindAll("tr.psync-pair-row"));
        Assert.Contains("No pairs yet.", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("/pairs/new", cut.Find("a.mud-link").GetAttribute("href"));
    }

    [Fact]
    public void Render_RemotePair_ShowsHostNameBeforeRightRoot()
    {
        // Arrange
        var pairs = new[] { Resources.Pair(1, "remote", hostId: 3), Resources.Pair(2, "unknown", hostId: 9), Resources.Pair(3, "local") };
        var hosts = new Dictionary<int, string> { [3] = "nas" };

        // Act
        var cut = _context.Render<PairTable>(p => p.Add(c => c.Pairs, pairs).Add(c => c.Hosts, hosts));

        // Assert
        var rightRoots = cut.FindAll("tr.psync-pair-row").Select(r => r.QuerySelectorAll(".psync-path")[1].TextContent).ToList();
        Assert.Equal(["nas:/srv/remote/right", "host 9:/srv/unknown/right", "/srv/local/right"], rightRoots);
    }

    [Fact]
    public void Render_OpenConflicts_ShowsWarningChipWithCount()
    {
        // Arrange
        var pairs = new[] { Resources.Pair(1, "clean"), Resources.Pair(2, "conflicted", openConflicts: 4) };

        // Act
        var cut = _context.Render<PairTable>(p => p.Add(c => c.Pairs, pairs));

        // Assert
        var conflictCells = cut.FindAll("td[data-label=Conflicts]");
        Assert.Empty(conflictCells[0].QuerySelectorAll(".mud-chip"));
        Assert.Equal("0", conflictCells[0].TextContent.Trim());
        var chip = Assert.Single(conflictCells[1].QuerySelectorAll(".mud-chip"));
        Assert.Contains("mud-chip-color-warning", chip.ClassList);
        Assert.Equal("4", chip.TextContent.Trim());
    }

    [Fact]
    public void Render_PairWithReason_ShowsReasonUnderStatus()
    {
        // Arrange
        var pairs = new[] { Resources.Pair(1, "held", state: "paused", reason: "paused by a person") };

        // Act
        var cut = _context.Render<PairTable>(p => p.Add(c => c.Pairs, pairs));

        // Assert
        Assert.Contains("paused by a person", cut.Find("td[data-label=Status]").TextContent, StringComparison.Ordinal);
    }
}
