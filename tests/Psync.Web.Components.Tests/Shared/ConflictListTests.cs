using Bunit;
using Psync.Engine.Sync;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Protocol;
using Psync.Web.Conflicts;
using Psync.Web.Pairs;

namespace Psync.Web.Components.Tests.Shared;

public sealed class ConflictListTests : IAsyncLifetime
{
    private readonly BunitContext _context = MudContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void Render_OpenConflicts_ShowsThreeButtonsEach()
    {
        // Arrange
        ConflictResource[] conflicts = [Resources.Conflict(1, "a.txt"), Resources.Conflict(2, "b.txt")];

        // Act
        var cut = _context.Render<ConflictList>(p => p.Add(c => c.Conflicts, conflicts));

        // Assert
        foreach (var row in cut.FindAll("tbody tr"))
        {
            Assert.Equal(["Keep left", "Keep right", "Keep both"], row.QuerySelectorAll("button").Select(b => b.TextContent.Trim()));
            Assert.All(row.QuerySelectorAll("button"), b => Assert.False(b.HasAttribute("disabled")));
        }
        Assert.Equal(2, cut.FindAll("button.psync-keep-left").Count);
    }

    [Fact]
    public void Click_KeepLeft_RaisesOnResolveWithKeepLeftAndThatConflict()
    {
        // Arrange
        ConflictResource[] conflicts = [Resources.Conflict(1, "a.txt"), Resources.Conflict(2, "b.txt")];
        var raised = new List<(ConflictResource Conflict, ConflictResolution Resolution)>();
        var cut = _context.Render<ConflictList>(p => p
            .Add(c => c.Conflicts, conflicts)
            .Add(c => c.OnResolve, request => raised.Add(request)));

        // Act
        cut.FindAll("button.psync-keep-left")[1].Click();

        // Assert
        var (conflict, resolution) = Assert.Single(raised);
        Assert.Same(conflicts[1], conflict);
        Assert.Equal(ConflictResolution.KeepLeft, resolution);
    }

    [Theory]
    [InlineData("button.psync-keep-right", ConflictResolution.KeepRight)]
    [InlineData("button.psync-keep-both", ConflictResolution.KeepBoth)]
    public void Click_OtherButtons_RaiseOnResolveWithTheirResolution(string button, ConflictResolution expected)
    {
        // Arrange
        ConflictResource[] conflicts = [Resources.Conflict(1, "a.txt")];
        var raised = new List<(ConflictResource Conflict, ConflictResolution Resolution)>();
        var cut = _context.Render<ConflictList>(p => p
            .Add(c => c.Conflicts, conflicts)
            .Add(c => c.OnResolve, request => raised.Add(request)));

        // Act
        cut.Find(button).Click();

        // Assert
        Assert.Equal((conflicts[0], expected), Assert.Single(raised));
    }

    [Fact]
    public void Render_ResolvedConflict_ShowsResolvedAndNoButtons()
    {
        // Arrange
        ConflictResource[] conflicts = [Resources.Conflict(1, "done.txt", resolved: true), Resources.Conflict(2, "open.txt")];

        // Act
        var cut = _context.Render<ConflictList>(p => p.Add(c => c.Conflicts, conflicts));

        // Assert
        var rows = cut.FindAll("tbody tr");
        Assert.Empty(rows[0].QuerySelectorAll("button"));
        Assert.Equal("resolved", rows[0].QuerySelector(".mud-chip")!.TextContent.Trim());
        Assert.Equal(3, rows[1].QuerySelectorAll("button").Length);
        Assert.DoesNotContain("resolved", rows[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Busy_DisablesButtons()
    {
        // Arrange
        ConflictResource[] conflicts = [Resources.Conflict(1, "a.txt")];

        // Act
        var cut = _context.Render<ConflictList>(p => p.Add(c => c.Conflicts, conflicts).Add(c => c.Busy, true));

        // Assert
        Assert.Equal(3, cut.FindAll("tbody button").Count);
        var buttons = cut.FindAll("button");
        Assert.Equal(6, buttons.Count); // the row's three and the bulk bar's three
        Assert.All(buttons, b => Assert.True(b.HasAttribute("disabled")));
    }

    [Fact]
    public void Render_NoConflicts_SaysSo()
    {
        // Act
        var cut = _context.Render<ConflictList>(p => p.Add(c => c.Conflicts, []));

        // Assert
        Assert.Contains("No conflicts.", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("button"));
    }

    [Fact]
    public void Render_ReadOnly_NoSelectionNoBulkBar()
    {
        // Act
        var cut = _context.Render<ConflictList>(p => p.Add(c => c.Conflicts, [Resources.Conflict(1, "a.txt")]).Add(c => c.ReadOnly, true));

        // Assert
        Assert.Empty(cut.FindAll(".psync-bulk-bar"));
        Assert.Empty(cut.FindAll(".psync-select"));
        Assert.Empty(cut.FindAll("button"));
    }

    [Fact]
    public void BulkBar_SelectTwoThenKeepLeft_RaisesOnResolveManyWithThoseTwo()
    {
        // Arrange
        ConflictResource[] conflicts = [Resources.Conflict(1, "a.txt"), Resources.Conflict(2, "b.txt"), Resources.Conflict(3, "c.txt"), Resources.Conflict(4, "done.txt", resolved: true)];
        var raised = new List<(IReadOnlyList<ConflictResource> Conflicts, ConflictResolution Resolution)>();
        var cut = _context.Render<ConflictList>(p => p
            .Add(c => c.Conflicts, conflicts)
            .Add(c => c.OnResolveMany, request => raised.Add(request)));
        Assert.True(cut.Find("#bulk-keep-left").HasAttribute("disabled"));
        Assert.Equal(3, cut.FindAll(".psync-select input").Count); // the resolved one cannot be selected

        // Act
        cut.Find(".psync-select input[data-path='a.txt']").Change(true);
        cut.Find(".psync-select input[data-path='c.txt']").Change(true);
        Assert.Equal("2 of 3 selected", cut.Find(".psync-selected-count").TextContent.Trim());
        cut.Find("#bulk-keep-left").Click();

        // Assert
        var (chosen, resolution) = Assert.Single(raised);
        Assert.Equal(["a.txt", "c.txt"], chosen.Select(c => c.Path));
        Assert.Equal(ConflictResolution.KeepLeft, resolution);
        Assert.Equal("0 of 3 selected", cut.Find(".psync-selected-count").TextContent.Trim());
    }

    [Fact]
    public void BulkBar_SelectAll_SelectsEveryOpenConflict()
    {
        // Arrange
        ConflictResource[] conflicts = [Resources.Conflict(1, "a.txt"), Resources.Conflict(2, "b.txt"), Resources.Conflict(3, "done.txt", resolved: true)];
        var raised = new List<(IReadOnlyList<ConflictResource> Conflicts, ConflictResolution Resolution)>();
        var cut = _context.Render<ConflictList>(p => p.Add(c => c.Conflicts, conflicts).Add(c => c.OnResolveMany, request => raised.Add(request)));

        // Act
        cut.Find(".psync-select-all input").Change(true);
        cut.Find("#bulk-keep-both").Click();

        // Assert
        Assert.Equal(["a.txt", "b.txt"], Assert.Single(raised).Conflicts.Select(c => c.Path));
    }

    [Fact]
    public void Compare_Click_ShowsTheWorkbenchForThatConflictAndHidesItAgain()
    {
        // Arrange
        ConflictResource[] conflicts = [Resources.Conflict(1, "a.txt"), Resources.Conflict(2, "b.txt")];
        var asked = new List<long>();
        var cut = _context.Render<ConflictList>(p => p
            .Add(c => c.Conflicts, conflicts)
            .Add(c => c.LoadPreview, id =>
            {
                asked.Add(id);
                return Task.FromResult<ConflictPreviewResource?>(Workbench(id));
            }));

        // Act
        cut.FindAll("button.psync-compare")[1].Click();

        // Assert
        Assert.Equal([2L], asked);
        Assert.Equal("2", cut.Find(".psync-conflict-detail").GetAttribute("data-conflict"));
        Assert.Equal("Hide", cut.FindAll("button.psync-compare")[1].TextContent.Trim());
        cut.FindAll("button.psync-compare")[1].Click();
        Assert.Empty(cut.FindAll(".psync-conflict-detail"));
    }

    [Fact]
    public void Render_SettledByPolicy_SaysTheLoserIsInItsTrash()
    {
        // Arrange
        ConflictResource[] conflicts = [Resources.Conflict(1, "p.txt", resolved: true) with { ConflictCopy = ConflictRecord.InTrash }];

        // Act
        var cut = _context.Render<ConflictList>(p => p.Add(c => c.Conflicts, conflicts));

        // Assert
        Assert.Contains("in the right trash (settled by the pair's conflict policy)", cut.Find("tbody tr").TextContent, StringComparison.Ordinal);
    }

    private static ConflictPreviewResource Workbench(long id) => new(
        id, 1, "b.txt", false, Resources.Now,
        new ConflictVersion("left", "b.txt", EntryKind.File, 1, Resources.Now, "rw-r--r-- (644)", 0, 0, null, false, true, false, null),
        new ConflictVersion("right", "b.copy", EntryKind.File, 2, Resources.Now, "rw-r--r-- (644)", 0, 0, null, false, false, false, null),
        PreviewLayout.Diff, [], null);
}
