using System.Diagnostics;
using Microsoft.Playwright;
using Psync.Tests;
using static Microsoft.Playwright.Assertions;

namespace Psync.Web.Browser.Tests;

/// <summary>Steps the browser tests share: sign in, wait for the circuit, wait for a condition.</summary>
internal static class Ui
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static async Task<IPage> SignInAsync(BrowserFixture fixture, string path = "/", string user = "admin", string? password = null)
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.App.BaseUrl, IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Deadline.TotalMilliseconds);
        await page.GotoAsync(path);
        await page.WaitForURLAsync("**/login**");
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password ?? AppProcess.AdminPassword);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await InteractiveAsync(page);
        return page;
    }

    /// <summary>Blazor Server ignores clicks until its circuit is up; the layout says when it is.</summary>
    public static Task InteractiveAsync(IPage page) =>
        page.Locator("#psync-interactive[data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"{what}: not true within {Deadline.TotalSeconds} s");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for a client-side (Blazor) navigation; on a timeout, says what the page showed instead.</summary>
    public static async Task NavigatedAsync(IPage page, string urlPattern)
    {
        // Polled: Blazor navigates with pushState, which WaitForURL can miss when it lands first.
        var pattern = new System.Text.RegularExpressions.Regex(urlPattern);
        var clock = Stopwatch.StartNew();
        while (!pattern.IsMatch(page.Url))
        {
            if (clock.Elapsed > Deadline)
            {
                throw new TimeoutException($"still at {page.Url}, showing:\n{await page.InnerTextAsync("body")}");
            }
            await Task.Delay(50);
        }
    }

    public static string TempTree(string name) => Directory.CreateTempSubdirectory($"psync-ui-{name}-").FullName;

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(RepoFiles.Root, "docs", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name), FullPage = false });
    }
}
