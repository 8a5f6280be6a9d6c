using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Psync.Engine;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Pages;

public sealed class PairEditTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Save_EmptyForm_ShowsErrorsOnRootsStepFields()
    {
        // Arrange
        var cut = _host.Context.Render<PairEdit>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("#where")), PsyncTestHost.Deadline);

        // Act
        await cut.Find("#save").ClickAsync(new());

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Equal("A name is required.", ErrorOf(cut, "#pair-name-input"));
            Assert.Equal("A root is required.", ErrorOf(cut, "#left-root"));
            Assert.Equal("A root is required.", ErrorOf(cut, "#right-root"));
        }, PsyncTestHost.Deadline);
        Assert.Contains("mud-chip-color-primary", cut.Find("#step-1").ClassList);
    }

    [Fact]
    public async Task Save_RelativeLeftRoot_ShowsAbsolutePathErrorOnLeftRoot()
    {
        // Arrange
        var right = _host.NewFolder("right");
        var cut = _host.Context.Render<PairEdit>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("#next")), PsyncTestHost.Deadline);
        await cut.Find("#next").ClickAsync(new());
        await cut.Find("#pair-name-input").ChangeAsync(new ChangeEventArgs { Value = "docs" });
        await cut.Find("#left-root").ChangeAsync(new ChangeEventArgs { Value = "relative/docs" });
        await cut.Find("#right-root").ChangeAsync(new ChangeEventArgs { Value = right });

        // Act
        await cut.Find("#save").ClickAsync(new());

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Contains("absolute path", ErrorOf(cut, "#left-root"), StringComparison.Ordinal), PsyncTestHost.Deadline);
        Assert.Null(ErrorOf(cut, "#right-root"));
        Assert.Null(ErrorOf(cut, "#pair-name-input"));
        Assert.Empty(await _host.Pairs.ListAsync());
    }

    [Fact]
    public async Task Blur_RelativeLeftRoot_ShowsAbsolutePathErrorBeforeSave()
    {
        // Arrange
        var cut = _host.Context.Render<PairEdit>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("#next")), PsyncTestHost.Deadline);
        await cut.Find("#next").ClickAsync(new());
        var left = cut.Find("#left-root");
        await left.ChangeAsync(new ChangeEventArgs { Value = "relative/docs" });

        // Act
        await cut.Find("#left-root").BlurAsync(new());

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Equal("A root is an absolute path (it starts with /).", ErrorOf(cut, "#left-root")), PsyncTestHost.Deadline);
    }

    [Fact]
    public async Task Save_ValidLocalPair_CreatesItAndNavigatesToIt()
    {
        // Arrange
        var left = _host.NewFolder("left");
        var right = _host.NewFolder("right");
        var navigation = _host.Context.Services.GetRequiredService<NavigationManager>();
        var cut = _host.Context.Render<PairEdit>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("#next")), PsyncTestHost.Deadline);
        await cut.Find("#next").ClickAsync(new());
        await cut.Find("#pair-name-input").ChangeAsync(new ChangeEventArgs { Value = "docs" });
        await cut.Find("#left-root").ChangeAsync(new ChangeEventArgs { Value = left });
        await cut.Find("#right-root").ChangeAsync(new ChangeEventArgs { Value = right });

        // Act
        await cut.Find("#save").ClickAsync(new());

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Matches(@"/pairs/\d+$", navigation.Uri), PsyncTestHost.Deadline);
        var pair = Assert.Single(await _host.Pairs.ListAsync());
        Assert.Equal(("docs", left, right), (pair.Name, pair.LeftRoot, pair.RightRoot));
        Assert.EndsWith($"/pairs/{pair.Id}", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_NegativeTrashDays_FieldErrorNotAClampAndNoPair()
    {
        // Arrange
        var cut = _host.Context.Render<PairEdit>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("#next")), PsyncTestHost.Deadline);
        await cut.Find("#next").ClickAsync(new());
        await cut.Find("#pair-name-input").ChangeAsync(new ChangeEventArgs { Value = "docs" });
        await cut.Find("#left-root").ChangeAsync(new ChangeEventArgs { Value = _host.NewFolder("neg-left") });
        await cut.Find("#right-root").ChangeAsync(new ChangeEventArgs { Value = _host.NewFolder("neg-right") });
        await cut.Find("#next").ClickAsync(new());
        await cut.Find("#trash-days").ChangeAsync(new ChangeEventArgs { Value = "-3" });

        // Act
        await cut.Find("#save").ClickAsync(new());

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            var field = cut.Find("#trash-days").Closest(".mud-input-control")!;
            Assert.Contains($"Trash is kept 0 to {PairOptions.MaxTrashRetention.TotalDays:0} days.", field.TextContent, StringComparison.Ordinal);
        }, PsyncTestHost.Deadline);
        Assert.Equal("-3", cut.Find("#trash-days").GetAttribute("value"));
        Assert.Empty(await _host.Pairs.ListAsync());
    }

    [Fact]
    public async Task IdCleared_AfterEditingAPair_ShowsAnEmptyAddForm()
    {
        // Arrange
        var (created, _) = await _host.Pairs.CreateAsync(new Psync.Web.Pairs.PairRequest("docs", _host.NewFolder("left"), _host.NewFolder("right")));
        var cut = _host.Context.Render<PairEdit>(p => p.Add(c => c.Id, created!.Id));
        await cut.WaitForAssertionAsync(() => Assert.Equal("docs", cut.Find("#pair-name-input").GetAttribute("value")), PsyncTestHost.Deadline);

        // Act: the nav menu's "Add pair" reuses the page with no id
        cut.Render(p => p.Add(c => c.Id, null));

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.Contains("Add a pair", cut.Markup, StringComparison.Ordinal), PsyncTestHost.Deadline);
        await cut.Find("#next").ClickAsync(new());
        Assert.True(string.IsNullOrEmpty(cut.Find("#pair-name-input").GetAttribute("value")));
    }

    [Fact]
    public async Task OptionsStep_OffersEachModeWithWhatItDoes_AndSavesTheOneChosen()
    {
        // Arrange
        var (created, _) = await _host.Pairs.CreateAsync(new Psync.Web.Pairs.PairRequest("docs", _host.NewFolder("left"), _host.NewFolder("right"), Mode: "mirror"));
        var cut = _host.Context.Render<PairEdit>(p => p.Add(c => c.Id, created!.Id));
        await cut.WaitForAssertionAsync(() => Assert.Equal("docs", cut.Find("#pair-name-input").GetAttribute("value")), PsyncTestHost.Deadline);
        await cut.Find("#step-2").ClickAsync(new());

        // Act
        await cut.Find("#mode-one-way-safe").ClickAsync(new());
        await cut.Find("#save").ClickAsync(new());

        // Assert
        foreach (var mode in SyncModes.All)
        {
            Assert.Contains(mode.Describe(), cut.Find($"#mode-{mode.Name()}").Closest("label")!.TextContent, StringComparison.Ordinal);
        }
        await cut.WaitForAssertionAsync(async () => Assert.Equal("one-way-safe", (await _host.Pairs.GetAsync(created!.Id))!.Mode), PsyncTestHost.Deadline);
    }

    [Fact]
    public async Task OptionsStep_ConflictPolicy_ShownWithWhatItDoesAndKeptOnSave()
    {
        // Arrange
        var (created, _) = await _host.Pairs.CreateAsync(new Psync.Web.Pairs.PairRequest("docs", _host.NewFolder("left"), _host.NewFolder("right"), Conflicts: "newer"));
        var cut = _host.Context.Render<PairEdit>(p => p.Add(c => c.Id, created!.Id));
        await cut.WaitForAssertionAsync(() => Assert.Equal("docs", cut.Find("#pair-name-input").GetAttribute("value")), PsyncTestHost.Deadline);
        await cut.Find("#step-2").ClickAsync(new());

        // Act
        await cut.Find("#save").ClickAsync(new());

        // Assert
        Assert.Contains(ConflictPolicy.Newer.Describe(), cut.Find("#conflicts").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal);
        // Saved once the page moves on to the pair: the form sent the policy it loaded, not the default.
        var navigation = _host.Context.Services.GetRequiredService<NavigationManager>();
        await cut.WaitForAssertionAsync(() => Assert.EndsWith($"/pairs/{created!.Id}", navigation.Uri, StringComparison.Ordinal), PsyncTestHost.Deadline);
        Assert.Equal("newer", (await _host.Pairs.GetAsync(created!.Id))!.Conflicts);
    }

    /// <summary>The error text MudBlazor shows under the field whose input has this id, or null.</summary>
    private static string? ErrorOf(IRenderedComponent<PairEdit> cut, string inputSelector)
    {
        var field = cut.Find(inputSelector).Closest(".mud-input-control");
        Assert.NotNull(field);
        return field.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() is { Length: > 0 } text ? text : null;
    }
}
