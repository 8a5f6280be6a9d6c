using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Psync.Web.Browser.Tests;

/// <summary>A pair's lifecycle and safety nets as a person meets them: an overlapping root refused, a pair deleted after a confirm, a deleted folder restored from the trash in one click.</summary>
public sealed class LifecycleUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AddPair_LeftRootInsideAnotherPairsRoot_RefusedOnTheFieldNamingThatPair()
    {
        var outerLeft = Ui.TempTree("outer-left");
        await CreatePairAsync("outer notes", outerLeft, Ui.TempTree("outer-right"));
        var inner = Directory.CreateDirectory(Path.Combine(outerLeft, "notes")).FullName;
        var page = await Ui.SignInAsync(fixture, "/pairs/new");

        await page.ClickAsync("#next");
        await page.FillAsync("#pair-name-input", "inner notes");
        await page.FillAsync("#left-root", inner);
        await page.FillAsync("#right-root", Ui.TempTree("inner-right"));
        await page.ClickAsync("#save");

        var field = page.Locator(".mud-input-control", new() { Has = page.Locator("#left-root") });
        await Expect(field.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync($"lies inside the left root {outerLeft} of the pair 'outer notes'");
        Assert.EndsWith("/pairs/new", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletePair_ConfirmedInTheDialog_PairGoneAndBothTreesKept()
    {
        var left = Ui.TempTree("doomed-left");
        var right = Ui.TempTree("doomed-right");
        await File.WriteAllTextAsync(Path.Combine(left, "stays.txt"), "still here");
        var id = await CreatePairAsync("doomed", left, right);
        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}");
        await Ui.UntilAsync(() => File.Exists(Path.Combine(right, "stays.txt")), "the file synced");

        await page.ClickAsync("#delete-pair");
        var dialog = page.Locator(".psync-confirm");
        await Expect(dialog).ToContainTextAsync("Both trees stay as they are");
        await Expect(dialog).ToContainTextAsync("state index");
        await page.ClickAsync("#confirm-cancel");
        await Expect(dialog).ToBeHiddenAsync();
        Assert.True(await PairExistsAsync(id), "cancel kept the pair");

        await page.ClickAsync("#delete-pair");
        await page.ClickAsync("#confirm-ok");

        // The page navigates once the delete is done.
        await Ui.NavigatedAsync(page, "/$");
        Assert.False(await PairExistsAsync(id), "the pair is gone");
        Assert.Equal("still here", await File.ReadAllTextAsync(Path.Combine(left, "stays.txt")));
        Assert.Equal("still here", await File.ReadAllTextAsync(Path.Combine(right, "stays.txt")));
    }

    [Fact]
    public async Task Trash_FolderOf100FilesDeleted_OneRowRestoredWithOneClickOnBothSides()
    {
        var left = Ui.TempTree("album-left");
        var right = Ui.TempTree("album-right");
        Directory.CreateDirectory(Path.Combine(left, "album"));
        for (var i = 0; i < 100; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(left, "album", $"photo{i:000}.jpg"), $"photo {i}");
        }
        // The whole tree goes: the delete guard would hold it (100 deletes, over half the tree), so this pair lets it through.
        var id = await CreatePairAsync("album", left, right, maxDeleteShare: 1.0);
        await Ui.UntilAsync(() => Count(right) == 100, "the album synced");
        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}");
        Directory.Delete(Path.Combine(left, "album"), recursive: true);
        await Ui.UntilAsync(() => !Directory.Exists(Path.Combine(right, "album")), "the folder's delete synced");

        await page.Locator(".mud-tab", new() { HasText = "Trash" }).ClickAsync();
        await Expect(page.Locator("#trash-where")).ToContainTextAsync("files deleted on the left are in the right trash");
        await page.Locator("#trash-right").ClickAsync();
        var rows = page.Locator(".psync-trash .psync-trash-group");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-count", "100");
        await Expect(page.Locator(".psync-trash .psync-trash-path")).ToHaveTextAsync("album/");
        await page.Locator(".psync-trash .psync-restore").ClickAsync();

        await Ui.UntilAsync(() => Count(left) == 100 && Count(right) == 100, "the 100 files are back on both sides");
        Assert.Equal("photo 42", await File.ReadAllTextAsync(Path.Combine(right, "album", "photo042.jpg")));
        await Expect(page.Locator(".psync-trash .psync-trash-group")).ToHaveCountAsync(0);
    }

    private static int Count(string root)
    {
        var album = Path.Combine(root, "album");
        return Directory.Exists(album) ? Directory.GetFiles(album).Length : 0;
    }

    private async Task<bool> PairExistsAsync(int id)
    {
        using var api = await fixture.App.ApiAsync();
        return (await api.GetAsync($"/api/v1/pairs/{id}")).IsSuccessStatusCode;
    }

    private async Task<int> CreatePairAsync(string name, string left, string right, double maxDeleteShare = 0.5)
    {
        using var api = await fixture.App.ApiAsync();
        var response = await api.PostAsJsonAsync("/api/v1/pairs", new { name, leftRoot = left, rightRoot = right, maxDeleteShare });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}
