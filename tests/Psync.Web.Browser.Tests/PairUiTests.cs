using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Psync.Web.Browser.Tests;

/// <summary>What a person does in the browser: sign in, add a local pair, watch a file arrive, pause, resume, resolve a conflict.</summary>
public sealed class PairUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AddLocalPair_FileCreatedOnLeft_AppearsOnRightAndInLiveEventLog()
    {
        var left = Ui.TempTree("left");
        var right = Ui.TempTree("right");
        var page = await Ui.SignInAsync(fixture);

        await page.ClickAsync("#add-pair");
        await Ui.NavigatedAsync(page, "/pairs/new$");
        await Ui.InteractiveAsync(page);
        await page.ClickAsync("#next");
        await page.FillAsync("#pair-name-input", "demo");
        await page.FillAsync("#left-root", left);
        await page.FillAsync("#right-root", right);
        await page.ClickAsync("#save");
        await Ui.NavigatedAsync(page, "/pairs/[0-9]+$");
        await Expect(page.Locator("#pair-name")).ToHaveTextAsync("demo");
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("idle", new() { Timeout = (float)Ui.Deadline.TotalMilliseconds });

        await File.WriteAllTextAsync(Path.Combine(left, "hello from the browser test.txt"), "hello");

        await Ui.UntilAsync(() => File.Exists(Path.Combine(right, "hello from the browser test.txt")), "the file reached the right side");
        // The event log updates without a reload.
        await Expect(page.Locator(".psync-event-path", new() { HasText = "hello from the browser test.txt" }).First).ToBeVisibleAsync();
        await Ui.ScreenshotAsync(page, "pair-detail.png");

        await page.ClickAsync("a[href='/']");
        await Expect(page.Locator(".psync-pair-name", new() { HasText = "demo" })).ToBeVisibleAsync();
        await Ui.ScreenshotAsync(page, "dashboard.png");
    }

    [Fact]
    public async Task SignIn_WrongPassword_StaysOnLoginWithAnError()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.App.BaseUrl, IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/pairs/new");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", "not the password");
        await page.ClickAsync("#sign-in");

        await Expect(page.Locator("#login-error")).ToContainTextAsync("wrong user name or password");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await Ui.ScreenshotAsync(page, "login.png");
    }

    [Fact]
    public async Task AddPair_RelativeRoot_ShowsErrorOnTheField()
    {
        var page = await Ui.SignInAsync(fixture, "/pairs/new");

        await page.ClickAsync("#next");
        await page.FillAsync("#pair-name-input", "bad root");
        await page.FillAsync("#left-root", "relative/folder");
        await page.FillAsync("#right-root", Ui.TempTree("right"));
        await page.ClickAsync("#save");

        var field = page.Locator(".mud-input-control", new() { Has = page.Locator("#left-root") });
        await Expect(field.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("absolute path");
        Assert.EndsWith("/pairs/new", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseAndResume_FileWrittenWhilePaused_SyncsOnlyAfterResume()
    {
        var left = Ui.TempTree("left");
        var right = Ui.TempTree("right");
        var id = await CreatePairAsync("pausable", left, right);
        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}");
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("idle");

        await page.ClickAsync("#pause");
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("paused");
        await File.WriteAllTextAsync(Path.Combine(left, "while-paused.txt"), "written while paused");
        // Verify compares the trees now: the file is only on the left while the pair is paused.
        await page.ClickAsync("#verify");
        await Expect(page.Locator("#verify-result")).ToContainTextAsync("while-paused.txt");
        Assert.False(File.Exists(Path.Combine(right, "while-paused.txt")));

        await page.ClickAsync("#resume");
        await Ui.UntilAsync(() => File.Exists(Path.Combine(right, "while-paused.txt")), "the file written while paused synced after resume");
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("idle");
    }

    [Fact]
    public async Task Conflict_KeepLeftClicked_ConflictCopyGoneAndLeftVersionKept()
    {
        var left = Ui.TempTree("left");
        var right = Ui.TempTree("right");
        await File.WriteAllTextAsync(Path.Combine(left, "report.txt"), "the left version");
        await File.WriteAllTextAsync(Path.Combine(right, "report.txt"), "the right version, longer");
        var id = await CreatePairAsync("conflicted", left, right);
        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}");

        await page.Locator(".mud-tab", new() { HasText = "Conflicts" }).ClickAsync();
        var keepLeft = page.Locator(".psync-keep-left").First;
        await Expect(keepLeft).ToBeVisibleAsync();
        Assert.Single(Directory.GetFiles(left, "report.psync-conflict-*"));
        await keepLeft.ClickAsync();

        await Expect(page.Locator(".psync-conflicts").GetByText("resolved")).ToBeVisibleAsync();
        await Ui.UntilAsync(() => Directory.GetFiles(left, "report.psync-conflict-*").Length == 0 && Directory.GetFiles(right, "report.psync-conflict-*").Length == 0,
            "the conflict copy left both trees");
        // The name may still be on its way to the right (the first sync's transfer runs alongside).
        await Ui.UntilAsync(() => ReadOrNull(Path.Combine(right, "report.txt")) == "the left version", "the right side holds the left version under the name");
        Assert.Equal("the left version", await File.ReadAllTextAsync(Path.Combine(left, "report.txt")));
    }

    [Fact]
    public async Task Trash_RestoreClicked_DeletedFileBackOnBothSides()
    {
        var left = Ui.TempTree("left");
        var right = Ui.TempTree("right");
        await File.WriteAllTextAsync(Path.Combine(left, "precious.txt"), "keep me");
        var id = await CreatePairAsync("trashy", left, right);
        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}");
        await Ui.UntilAsync(() => File.Exists(Path.Combine(right, "precious.txt")), "the file synced");
        File.Delete(Path.Combine(left, "precious.txt"));
        await Ui.UntilAsync(() => !File.Exists(Path.Combine(right, "precious.txt")), "the delete synced");

        await page.Locator(".mud-tab", new() { HasText = "Trash" }).ClickAsync();
        await page.Locator("#trash-right").ClickAsync();
        var row = page.Locator(".psync-trash tr", new() { Has = page.Locator(".psync-trash-path", new() { HasText = "precious.txt" }) });
        await row.Locator(".psync-restore").ClickAsync();

        await Ui.UntilAsync(() => ReadOrNull(Path.Combine(right, "precious.txt")) == "keep me" && ReadOrNull(Path.Combine(left, "precious.txt")) == "keep me",
            "the restored file is back on both sides");
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return null; // between two renames
        }
    }

    private async Task<int> CreatePairAsync(string name, string left, string right)
    {
        using var api = await fixture.App.ApiAsync();
        var response = await api.PostAsJsonAsync("/api/v1/pairs", new { name, leftRoot = left, rightRoot = right });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}
