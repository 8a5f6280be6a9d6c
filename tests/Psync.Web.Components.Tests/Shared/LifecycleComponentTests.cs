using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Live;

namespace Psync.Web.Components.Tests.Shared;

/// <summary>Deleting a pair, a guard-held pair's panel, and the trash grouped by deletion, against real local pairs.</summary>
public sealed class LifecycleComponentTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task DeletePairButton_Confirmed_PairGoneTreesKeptAndBackToTheDashboard()
    {
        // Arrange
        var pair = await _host.CreateLocalPairAsync("doomed");
        await File.WriteAllTextAsync(Path.Combine(pair.LeftRoot, "stays.txt"), "x");
        var cut = WithProviders.Render<DeletePairButton>(_host.Context, new Dictionary<string, object?> { [nameof(DeletePairButton.Pair)] = pair });

        // Act: the click's handler waits for the dialog, so the click completes after the confirm.
        var click = cut.Find("#delete-pair").ClickAsync(new());
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("#confirm-ok")), PsyncTestHost.Deadline);
        var items = cut.FindAll(".psync-confirm-items li").Select(li => li.TextContent).ToList();
        await cut.Find("#confirm-ok").ClickAsync(new());
        await click;

        // Assert
        Assert.Equal(DeletePairButton.Consequences(pair), items);
        Assert.Contains(items, i => i.Contains("Both trees stay as they are", StringComparison.Ordinal));
        await cut.WaitForAssertionAsync(() => Assert.EndsWith("/", _host.Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal), PsyncTestHost.Deadline);
        Assert.Null(await _host.Pairs.GetAsync(pair.Id));
        Assert.True(File.Exists(Path.Combine(pair.LeftRoot, "stays.txt")));
    }

    [Fact]
    public async Task DeletePairButton_Cancelled_PairStays()
    {
        // Arrange
        var pair = await _host.CreateLocalPairAsync("kept");
        var cut = WithProviders.Render<DeletePairButton>(_host.Context, new Dictionary<string, object?> { [nameof(DeletePairButton.Pair)] = pair });

        // Act
        var click = cut.Find("#delete-pair").ClickAsync(new());
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("#confirm-cancel")), PsyncTestHost.Deadline);
        await cut.Find("#confirm-cancel").ClickAsync(new());
        await click;

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Empty(cut.FindAll(".psync-confirm")), PsyncTestHost.Deadline);
        Assert.NotNull(await _host.Pairs.GetAsync(pair.Id));
    }

    [Fact]
    public async Task HeldDeletesPanel_GuardHolds_ListsWhatTheLeftLost_RestoreBringsItBack()
    {
        // Arrange: 120 synced files, 110 deleted on the left (over half: held).
        var pair = await _host.CreateLocalPairAsync("guarded");
        for (var i = 0; i < 120; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(pair.LeftRoot, $"f{i:000}"), "x");
        }
        await UntilAsync(() => Directory.GetFiles(pair.RightRoot).Length == 120, "the first sync");
        for (var i = 0; i < 110; i++)
        {
            File.Delete(Path.Combine(pair.LeftRoot, $"f{i:000}"));
        }
        var runner = _host.Context.Services.GetRequiredService<PairRunners>().Get(pair.Id)!;
        await UntilAsync(() => runner.Pair.HeldDeletes.Count == 110, "the guard to hold the deletes");

        // Act
        var cut = WithProviders.Render<HeldDeletesPanel>(_host.Context, new Dictionary<string, object?> { [nameof(HeldDeletesPanel.PairId)] = pair.Id });
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll(".psync-held-summary")), PsyncTestHost.Deadline);

        // Assert
        Assert.Contains("110 paths gone on the left; the guard holds their delete on the right", cut.Find(".psync-held-summary").TextContent, StringComparison.Ordinal);
        Assert.Equal(51, cut.FindAll(".psync-held-list li").Count); // 50 shown, then "and 60 more paths"
        Assert.Equal("and 60 more paths", cut.FindAll(".psync-held-list li")[^1].TextContent.Trim());
        await cut.Find("#restore-held").ClickAsync(new());
        await UntilAsync(() => Directory.GetFiles(pair.LeftRoot).Length == 120, "the held paths back on the left");
        Assert.Equal(120, Directory.GetFiles(pair.RightRoot).Length);
    }

    [Fact]
    public async Task HeldDeletesPanel_ReadOnly_NoButtons()
    {
        // Arrange
        var pair = await _host.CreateLocalPairAsync("viewer-held");

        // Act
        var cut = WithProviders.Render<HeldDeletesPanel>(_host.Context, new Dictionary<string, object?> { [nameof(HeldDeletesPanel.PairId)] = pair.Id, [nameof(HeldDeletesPanel.ReadOnly)] = true });

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("#held-deletes")), PsyncTestHost.Deadline);
        Assert.Empty(cut.FindAll("#restore-held"));
        Assert.Empty(cut.FindAll("#confirm-deletes"));
    }

    [Fact]
    public async Task TrashList_DeletedFolder_OneGroupExpandableSearchableRestoredWhole()
    {
        // Arrange: a folder of 12 files, deleted on the left; its versions are in the right trash.
        var pair = await _host.CreateLocalPairAsync("album");
        Directory.CreateDirectory(Path.Combine(pair.LeftRoot, "album"));
        for (var i = 0; i < 12; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(pair.LeftRoot, "album", $"p{i:00}.jpg"), $"photo {i}");
        }
        await File.WriteAllTextAsync(Path.Combine(pair.LeftRoot, "keep.txt"), "keep");
        await UntilAsync(() => Directory.Exists(Path.Combine(pair.RightRoot, "album")) && Directory.GetFiles(Path.Combine(pair.RightRoot, "album")).Length == 12, "the first sync");
        Directory.Delete(Path.Combine(pair.LeftRoot, "album"), recursive: true);
        await UntilAsync(() => !Directory.Exists(Path.Combine(pair.RightRoot, "album")), "the delete on the right");
        var cut = WithProviders.Render<TrashList>(_host.Context, new Dictionary<string, object?> { [nameof(TrashList.PairId)] = pair.Id });
        await cut.WaitForAssertionAsync(() => Assert.Contains("files deleted on the left are in the right trash", cut.Find("#trash-where").TextContent, StringComparison.Ordinal), PsyncTestHost.Deadline);

        // Act: the right trash.
        var radio = cut.Find("#trash-right");
        await (radio.TagName == "INPUT" ? radio : radio.QuerySelector("input")!).ClickAsync(new());

        // Assert: one row for the folder, expanding to its 12 entries.
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll(".psync-trash-group")), PsyncTestHost.Deadline);
        Assert.Equal("12", cut.Find(".psync-trash-group").GetAttribute("data-count"));
        Assert.Equal("album/", cut.Find(".psync-trash-path").TextContent.Trim());
        Assert.Contains("12 items deleted together", cut.Markup, StringComparison.Ordinal);
        await cut.Find(".psync-trash-expand").ClickAsync(new());
        await cut.WaitForAssertionAsync(() => Assert.Equal(12, cut.FindAll(".psync-trash-entry").Count), PsyncTestHost.Deadline);
        Assert.Equal("album/p00.jpg", cut.FindAll(".psync-trash-entry")[0].TextContent);

        // Act: a search that matches nothing, then one that matches, then restore the group.
        await cut.Find("#trash-search").InputAsync(new() { Value = "nothing-like-it" });
        await cut.WaitForAssertionAsync(() => Assert.Empty(cut.FindAll(".psync-trash-group")), PsyncTestHost.Deadline);
        Assert.Contains("Nothing in the right trash matches", cut.Markup, StringComparison.Ordinal);
        await cut.Find("#trash-search").InputAsync(new() { Value = "P07" });
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll(".psync-trash-group")), PsyncTestHost.Deadline);
        await cut.Find(".psync-restore").ClickAsync(new());

        // Assert: the folder is back on both sides.
        await UntilAsync(() => Directory.Exists(Path.Combine(pair.LeftRoot, "album")) && Directory.GetFiles(Path.Combine(pair.LeftRoot, "album")).Length == 12
            && Directory.GetFiles(Path.Combine(pair.RightRoot, "album")).Length == 12, "the folder back on both sides");
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + PsyncTestHost.Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"waited {PsyncTestHost.Deadline} for {what}");
            await Task.Delay(50);
        }
    }
}
