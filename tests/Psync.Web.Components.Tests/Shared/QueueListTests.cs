using Bunit;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Pairs;

namespace Psync.Web.Components.Tests.Shared;

public sealed class QueueListTests : IAsyncLifetime
{
    private readonly BunitContext _context = MudContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void Render_PendingAndRunningItems_ShowsProgressOnlyForRunning()
    {
        // Arrange
        QueueItemResource[] items =
        [
            new("transfer", "right", "docs/a.txt", Running: true),
            new("delete", "left", "docs/b.txt", Running: false),
        ];

        // Act
        var cut = _context.Render<QueueList>(p => p.Add(c => c.Items, items));

        // Assert
        var rows = cut.FindAll("tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("docs/a.txt", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Single(rows[0].QuerySelectorAll(".mud-progress-linear"));
        Assert.DoesNotContain("pending", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("docs/b.txt", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Empty(rows[1].QuerySelectorAll(".mud-progress-linear"));
        Assert.Equal("pending", rows[1].QuerySelectorAll("td")[3].TextContent.Trim());
    }

    [Fact]
    public void Render_TransferWithProgress_ShowsItsPercentage()
    {
        // Arrange
        QueueItemResource[] items = [new("transfer", "right", "big.iso", Running: true, Progress: 0.42)];

        // Act
        var cut = _context.Render<QueueList>(p => p.Add(c => c.Items, items));

        // Assert
        Assert.Contains("42 %", cut.Find("tbody tr").TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll(".psync-progress"));
        Assert.DoesNotContain("mud-progress-indeterminate", cut.Find(".psync-progress").OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoItems_SaysBothSidesAgree()
    {
        // Act
        var cut = _context.Render<QueueList>(p => p.Add(c => c.Items, []));

        // Assert
        Assert.Contains("Nothing pending: both sides agree.", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".mud-progress-linear"));
    }
}
