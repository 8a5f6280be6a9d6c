using Bunit;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Pairs;

namespace Psync.Web.Components.Tests.Shared;

/// <summary>The inspector tab on a real local pair: browse one level, inspect what is clicked or typed.</summary>
public sealed class PathInspectorTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();
    private PairResource _pair = null!;

    public async Task InitializeAsync()
    {
        await _host.StartAsync();
        var (left, right) = (_host.NewFolder("insp-left"), _host.NewFolder("insp-right"));
        Directory.CreateDirectory(Path.Combine(left, "docs"));
        await File.WriteAllTextAsync(Path.Combine(left, "docs", "readme.md"), "read me");
        await File.WriteAllTextAsync(Path.Combine(left, "docs", "old.bak"), "old");
        var (pair, errors) = await _host.Pairs.CreateAsync(new PairRequest("inspected", left, right, Excludes: [@"\.bak$"]));
        Assert.Empty(errors);
        _pair = pair!;
        // The browser lists through the running session's agents: wait until its first reconcile is done.
        var deadline = DateTime.UtcNow + PsyncTestHost.Deadline;
        while ((await _host.Pairs.GetAsync(_pair.Id))?.Status.State != "idle")
        {
            Assert.True(DateTime.UtcNow < deadline, "the pair did not become idle");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ClickDirectoryThenFile_ListsItsChildrenAndInspectsTheFile()
    {
        // Arrange
        var cut = await RenderListedAsync();

        // Act
        cut.FindAll(".psync-browse-entry").Single(e => e.TextContent.Contains("docs", StringComparison.Ordinal)).Click();
        await cut.WaitForAssertionAsync(() => Assert.Contains(cut.FindAll(".psync-browse-entry"), e => e.TextContent.Contains("readme.md", StringComparison.Ordinal)), PsyncTestHost.Deadline);
        cut.FindAll(".psync-browse-entry").Single(e => e.TextContent.Contains("readme.md", StringComparison.Ordinal)).Click();

        // Assert: the excluded old.bak is not listed (the agents never read it); readme.md is inspected.
        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Equal("docs/readme.md", cut.Find("#inspect-result .psync-path").TextContent);
            Assert.Contains("7 B", cut.Find("#inspect-states").TextContent, StringComparison.Ordinal);
        }, PsyncTestHost.Deadline);
        Assert.DoesNotContain(cut.FindAll(".psync-browse-entry"), e => e.TextContent.Contains("old.bak", StringComparison.Ordinal));
        Assert.Equal(["(root)", "docs"], cut.FindAll("#browse-crumbs .psync-crumb").Select(c => c.TextContent));
    }

    [Fact]
    public async Task TypeExcludedPath_SaysWhichPattern()
    {
        // Arrange
        var cut = await RenderListedAsync();

        // Act
        cut.Find("#inspect-path").Input("docs/old.bak");
        cut.Find("#inspect-go").Click();

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Equal(@"Not synced: excluded by the exclude pattern \.bak$.", cut.Find("#inspect-filter").TextContent.Trim()), PsyncTestHost.Deadline);
    }

    [Theory]
    [InlineData("../etc/passwd", "'..' component")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("", "Type a path")]
    public async Task TypePathOutsideTheRoots_SaysWhyAndShowsNothing(string typed, string expected)
    {
        // Arrange
        var cut = await RenderListedAsync();

        // Act
        cut.Find("#inspect-path").Input(typed);
        cut.Find("#inspect-go").Click();

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Contains(expected, cut.Find("#inspect-error").TextContent, StringComparison.Ordinal), PsyncTestHost.Deadline);
        Assert.Empty(cut.FindAll("#inspect-result"));
    }

    /// <summary>
    /// The inspector once its first listing of the root is shown: that listing arrives after the
    /// first render, and a click landing while it re-renders finds its handler gone.
    /// </summary>
    private async Task<IRenderedComponent<PathInspector>> RenderListedAsync()
    {
        var cut = _host.Context.Render<PathInspector>(p => p.Add(c => c.PairId, _pair.Id));
        await cut.WaitForAssertionAsync(() => Assert.Contains(cut.FindAll(".psync-browse-entry"), e => e.TextContent.Contains("docs", StringComparison.Ordinal)), PsyncTestHost.Deadline);
        return cut;
    }
}
