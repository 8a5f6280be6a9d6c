using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Psync.Web.Browser.Tests;

/// <summary>
/// The operator's view in the browser, against an appliance without the capability to read past
/// mode bits: a file rsync cannot read is listed out of sync with rsync's message, the inspector
/// names the exclude pattern that leaves a path out, and the API reference loads nothing from elsewhere.
/// </summary>
public sealed class InspectUiTests(UnprivilegedBrowserFixture fixture) : IClassFixture<UnprivilegedBrowserFixture>
{
    [Fact]
    public async Task UnreadableFile_ListedOutOfSyncWithRsyncsMessage()
    {
        var left = Ui.TempTree("left");
        var right = Ui.TempTree("right");
        await using (var locked = new FileStream(Path.Combine(left, "locked.txt"), new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.None }))
        {
            await locked.WriteAsync("nobody may read this"u8.ToArray());
        }
        await File.WriteAllTextAsync(Path.Combine(left, "readable.txt"), "fine");
        var id = await CreatePairAsync("unreadable", left, right);
        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}");
        await Ui.UntilAsync(() => File.Exists(Path.Combine(right, "readable.txt")), "the readable file synced");

        await page.Locator(".mud-tab", new() { HasText = "Out of sync" }).ClickAsync();

        var row = page.Locator(".psync-out-of-sync tr", new() { Has = page.Locator(".psync-oos-path", new() { HasText = "locked.txt" }) });
        await Expect(row.Locator(".psync-oos-detail")).ToContainTextAsync("Permission denied");
        await Expect(row.Locator(".psync-oos-detail")).ToContainTextAsync("rsync");
        await Expect(row.Locator(".psync-oos-reason")).ToHaveTextAsync("error, retrying");
        await Expect(page.Locator("#out-of-sync-count")).ToHaveTextAsync("1 item out of sync");
        await Expect(page.Locator("#out-of-sync-tab")).ToHaveTextAsync("Out of sync (1)");
        Assert.False(File.Exists(Path.Combine(right, "locked.txt")));
        await Ui.ScreenshotAsync(page, "out-of-sync.png");

        // Readable again: a person's retry syncs it at once, and the list empties.
        File.SetUnixFileMode(Path.Combine(left, "locked.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await row.Locator(".psync-retry").ClickAsync();
        await Ui.UntilAsync(() => File.Exists(Path.Combine(right, "locked.txt")), "the file synced after the retry");
        await Expect(page.Locator("#out-of-sync-tab")).ToHaveTextAsync("Out of sync (0)");
        await Expect(page.Locator("#out-of-sync-count")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Inspector_ExcludedPath_ShownAsExcludedByThatPattern()
    {
        var left = Ui.TempTree("left");
        var right = Ui.TempTree("right");
        Directory.CreateDirectory(Path.Combine(left, "docs"));
        await File.WriteAllTextAsync(Path.Combine(left, "docs", "readme.md"), "read me");
        await File.WriteAllTextAsync(Path.Combine(left, "docs", "draft.bak"), "old");
        var id = await CreatePairAsync("inspected", left, right, excludes: [@"\.bak$", @"^tmp/"]);
        await Ui.UntilAsync(() => File.Exists(Path.Combine(right, "docs", "readme.md")), "the docs synced");
        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}");

        await page.Locator(".mud-tab", new() { HasText = "Inspect" }).ClickAsync();
        // Browse: the root lists docs; opening it lists what syncs (an excluded file is never read).
        await page.Locator("#browse-list .psync-browse-entry", new() { HasText = "docs" }).ClickAsync();
        await page.Locator("#browse-list .psync-browse-entry", new() { HasText = "readme.md" }).ClickAsync();
        await Expect(page.Locator("#inspect-no-filter")).ToBeVisibleAsync();
        await Expect(page.Locator("#inspect-states")).ToContainTextAsync("7 B");
        await Expect(page.Locator("#inspect-states tbody tr").First).ToContainTextAsync("file");

        await page.FillAsync("#inspect-path", "docs/draft.bak");
        await page.ClickAsync("#inspect-go");

        await Expect(page.Locator("#inspect-filter")).ToContainTextAsync(@"excluded by the exclude pattern \.bak$");
        var kinds = page.Locator("#inspect-states tbody tr").First;
        await Expect(kinds).ToContainTextAsync("file");
        await Expect(kinds).ToContainTextAsync("absent");
        await Expect(kinds).ToContainTextAsync("no row");
        await Ui.ScreenshotAsync(page, "inspector.png");

        await page.FillAsync("#inspect-path", "../etc/passwd");
        await page.ClickAsync("#inspect-go");
        await Expect(page.Locator("#inspect-error")).ToContainTextAsync("'..' component");
    }

    [Fact]
    public async Task ApiReference_NoRequestLeavesTheApp()
    {
        var page = await Ui.SignInAsync(fixture);
        var hosts = new List<string>();
        page.Request += (_, request) =>
        {
            lock (hosts)
            {
                hosts.Add(new Uri(request.Url).Authority);
            }
        };

        await page.GotoAsync("/api/docs", new() { WaitUntil = WaitUntilState.NetworkIdle });

        await Expect(page.Locator("h1")).ToContainTextAsync("Psync");
        await Expect(page.Locator("#RetryOutOfSync")).ToContainTextAsync("/api/v1/pairs/{id}/out-of-sync/retry");
        // No vendor buttons ("Deploy", "Ask AI", "Generate SDK"): the page has no buttons at all.
        await Expect(page.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        var text = await page.InnerTextAsync("body");
        Assert.DoesNotContain("Ask AI", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Generate SDK", text, StringComparison.Ordinal);
        var app = new Uri(fixture.App.BaseUrl).Authority;
        lock (hosts)
        {
            Assert.NotEmpty(hosts);
            Assert.All(hosts, host => Assert.Equal(app, host));
        }
    }

    private async Task<int> CreatePairAsync(string name, string left, string right, string[]? excludes = null)
    {
        using var api = await fixture.App.ApiAsync();
        var response = await api.PostAsJsonAsync("/api/v1/pairs", new { name, leftRoot = left, rightRoot = right, excludes = excludes ?? [] });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}
