using Bunit;
using Psync.Engine.Sync;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
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
        var buttons = cut.FindAll("button");
        Assert.Equal(3, buttons.Count);
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
}
