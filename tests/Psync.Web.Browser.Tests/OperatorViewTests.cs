using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Psync.Web.Browser.Tests;

/// <summary>The operator's view in a real browser: a burst's progress bar and totals, the charts, a narrow screen, what survives a reload.</summary>
public sealed class OperatorViewTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const int Folders = 20, FilesPerFolder = 100, FileSize = 2048;

    /// <summary>Records every value the bulk progress bar shows, as the page renders it.</summary>
    private const string WatchProgress = """
        () => {
            window.psyncProgress = [];
            const read = () => {
                const bar = document.querySelector('#bulk-progress');
                const activity = document.querySelector('#activity');
                if (!bar || !activity) return;
                const seen = { value: Number(bar.getAttribute('aria-valuenow')), done: Number(activity.dataset.done), total: Number(activity.dataset.total), finished: activity.dataset.finished === 'true', text: document.querySelector('#activity-text')?.textContent?.trim(), throughput: document.querySelector('#throughput')?.textContent?.trim(), lastSync: document.querySelector('#last-sync')?.textContent?.trim() };
                const last = window.psyncProgress[window.psyncProgress.length - 1];
                if (!last || last.value !== seen.value || last.done !== seen.done || last.finished !== seen.finished) window.psyncProgress.push(seen);
            };
            new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            read();
        }
        """;

    [Fact]
    public async Task Burst_ProgressBarRunsToTheEndAndTotalsMatchTheTrees()
    {
        // Arrange: an empty pair sending at 1 MiB/s, paused while 2,000 files of 2 KiB (3.9 MiB) land in its left tree.
        var left = Ui.TempTree("left");
        var right = Ui.TempTree("right");
        var id = await CreatePairAsync("burst", left, right, bandwidthLimit: 1024);
        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}");
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("idle");
        await page.ClickAsync("#pause");
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("paused");
        var content = new byte[FileSize];
        for (var d = 0; d < Folders; d++)
        {
            Directory.CreateDirectory(Path.Combine(left, $"folder {d:00}"));
            for (var f = 0; f < FilesPerFolder; f++)
            {
                await File.WriteAllBytesAsync(Path.Combine(left, $"folder {d:00}", $"file {f:000}.bin"), content);
            }
        }
        await page.EvaluateAsync(WatchProgress);

        // Act: resume, and watch the header until the run is over and the pair idle.
        await page.ClickAsync("#resume");
        await Expect(page.Locator("#activity[data-finished=true]")).ToBeAttachedAsync(new() { Timeout = 90_000 });
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("idle", new() { Timeout = 30_000 });

        // Assert: the bar went from the start of the run to its end; the numbers are the burst's.
        var seen = (await page.EvaluateAsync<JsonElement>("() => window.psyncProgress")).EnumerateArray()
            .Select(e => (Value: e.GetProperty("value").GetDouble(), Done: e.GetProperty("done").GetInt64(), Total: e.GetProperty("total").GetInt64(), Finished: e.GetProperty("finished").GetBoolean(), Text: e.GetProperty("text").GetString(),
                Throughput: e.GetProperty("throughput").GetString(), LastSync: e.GetProperty("lastSync").GetString()))
            .ToList();
        var trace = string.Join("\n", seen.Select(s => $"{s.Value} % {s.Done}/{s.Total} {s.Text}"));
        Assert.True(seen.Count >= 3, $"the bar moved only {seen.Count} times:\n{trace}");
        Assert.True(seen.Any(s => !s.Finished && s.Value < 50), $"the bar was never seen in its first half:\n{trace}");
        // Part way, the line has a rate and the time left: "Sending 403 of 2,000 files, 0.8 of 3.9 MiB, 357.4 KiB/s, ~8 s left".
        Assert.Contains(seen, s => !s.Finished && s.Value > 0 && s.Value < 100 && System.Text.RegularExpressions.Regex.IsMatch(s.Text!, @"^Sending [0-9,]+ of 2,000 files, [0-9.]+ of 3\.9 MiB, [0-9.]+ [KM]iB/s, ~[0-9]+ s left$"));
        // While it sends, the header shows a throughput and does not call the last sync stale.
        Assert.All(seen.Where(s => !s.Finished && s.Done > 0), s => Assert.True(s.Throughput != "Throughput: —" && s.LastSync == "Last sync: syncing now", $"mid-run header: {s.Throughput}, {s.LastSync}"));
        var last = seen[^1];
        Assert.True(last is { Finished: true, Value: 100, Done: 2000, Total: 2000 }, $"the run ended at {last}:\n{trace}");
        Assert.StartsWith("Last run: 2,000 of 2,000 files, 3.9 MiB", last.Text, StringComparison.Ordinal);
        await Expect(page.Locator("#in-sync")).ToBeVisibleAsync();

        // The header's totals are what find counts in each tree.
        foreach (var (side, root) in new[] { ("Left", left), ("Right", right) })
        {
            var (files, dirs) = (Find(root, "f"), Find(root, "d"));
            Assert.Equal((Folders * FilesPerFolder, Folders), (files, dirs));
            await Expect(page.Locator($"#totals-{side.ToLowerInvariant()}")).ToHaveTextAsync($"{side}: {files:#,0} files, {dirs:#,0} directories, 3.9 MiB");
        }

        // The charts have the burst once a sample holds it; the tab is in the address and survives a reload.
        using (var api = await fixture.App.ApiAsync())
        {
            await UntilAsync(async () => await FilesInLastHourAsync(api, id) >= Folders * FilesPerFolder, "a chart sample holds the burst");
        }
        await page.GotoAsync($"/pairs/{id}?tab=charts");
        await Ui.InteractiveAsync(page);
        await AssertChartsDrawnAsync(page);
        await page.ReloadAsync();
        await Ui.InteractiveAsync(page);
        await AssertChartsDrawnAsync(page);
        await Ui.ScreenshotAsync(page, "pair-charts.png");
    }

    [Fact]
    public async Task DarkMode_Chosen_SurvivesAReload()
    {
        // Arrange: the browser's own mode (light) is applied first.
        var page = await Ui.SignInAsync(fixture);
        await Expect(page.Locator("#psync-theme")).ToHaveAttributeAsync("data-theme", "light");
        var light = await BackgroundAsync(page);

        // Act
        await page.ClickAsync("#dark-mode");
        await Expect(page.Locator("#psync-theme")).ToHaveAttributeAsync("data-theme", "dark");
        await UntilAsync(async () => await BackgroundAsync(page) != light, "the page turned dark");
        var dark = await BackgroundAsync(page);
        await page.ReloadAsync();
        await Ui.InteractiveAsync(page);

        // Assert
        await Expect(page.Locator("#psync-theme")).ToHaveAttributeAsync("data-theme", "dark");
        await UntilAsync(async () => await BackgroundAsync(page) == dark, "the page is dark again after the reload");
    }

    [Fact]
    public async Task NarrowScreen_400px_DashboardAndPairPageHaveNoHorizontalScrollbar()
    {
        // Arrange: a pair with long roots, and one file to show some figures.
        var left = Ui.TempTree("a-rather-long-left-folder-name-that-could-push-the-page-wider");
        var right = Ui.TempTree("a-rather-long-right-folder-name-that-could-push-the-page-wider");
        await File.WriteAllTextAsync(Path.Combine(left, "one.txt"), "one");
        var id = await CreatePairAsync("narrow", left, right);
        var page = await Ui.SignInAsync(fixture);
        await page.SetViewportSizeAsync(400, 800);

        // Act + Assert: the dashboard, then the pair page on each tab.
        await page.GotoAsync("/");
        await Ui.InteractiveAsync(page);
        await Expect(page.Locator(".psync-pair-name", new() { HasText = "narrow" })).ToBeVisibleAsync();
        await AssertNoHorizontalScrollAsync(page, "dashboard");
        await Ui.ScreenshotAsync(page, "dashboard-400px.png");
        foreach (var tab in new[] { "queue", "events", "conflicts", "trash", "charts" })
        {
            await page.GotoAsync($"/pairs/{id}?tab={tab}");
            await Ui.InteractiveAsync(page);
            await Expect(page.Locator("#totals-left")).ToContainTextAsync("1 file");
            if (tab == "charts")
            {
                // Measured once the charts are laid out.
                await Expect(page.Locator("#chart-days svg")).ToBeVisibleAsync();
            }
            await AssertNoHorizontalScrollAsync(page, $"pair page, {tab} tab");
        }
        await Ui.ScreenshotAsync(page, "pair-400px.png");
    }

    private static async Task AssertChartsDrawnAsync(IPage page)
    {
        await Expect(page.Locator(".mud-tab.mud-tab-active")).ToHaveTextAsync("Charts");
        foreach (var chart in new[] { "#chart-throughput", "#chart-queue" })
        {
            var path = page.Locator($"{chart} svg path.mud-chart-line").First;
            await Expect(path).ToBeAttachedAsync();
            // A line through the chart's points: a move and many segments.
            var d = await path.GetAttributeAsync("d") ?? "";
            Assert.True(d.Count(c => c is 'L' or 'C') > 10, $"{chart} has no line: {d}");
        }
        await Expect(page.Locator("#chart-days svg")).ToBeAttachedAsync();
        await Expect(page.Locator("#chart-note")).Not.ToContainTextAsync("0 intervals");
    }

    private static async Task AssertNoHorizontalScrollAsync(IPage page, string where)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scroll, client) = (widths[0], widths[1]);
        Assert.True(scroll <= client, $"{where}: scrollWidth {scroll} > clientWidth {client}");
    }

    private static Task<string> BackgroundAsync(IPage page) => page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    private static async Task<long> FilesInLastHourAsync(HttpClient api, int id)
    {
        var series = await api.GetFromJsonAsync<JsonElement>($"/api/v1/pairs/{id}/series?range=hour");
        return series.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("files").GetInt64());
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Ui.Deadline)
            {
                throw new TimeoutException($"{what}: not true within {Ui.Deadline.TotalSeconds} s");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>What <c>find</c> counts below <paramref name="root"/> of one type (f, d), without the pair's own <c>.psync</c>.</summary>
    private static int Find(string root, string type)
    {
        var psi = new ProcessStartInfo("find") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { root, "-mindepth", "1", "-path", Path.Combine(root, ".psync"), "-prune", "-o", "-type", type, "-print0" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var find = Process.Start(psi)!;
        var output = find.StandardOutput.ReadToEnd();
        find.WaitForExit();
        return output.Count(c => c == '\0');
    }

    private async Task<int> CreatePairAsync(string name, string left, string right, int bandwidthLimit = 0)
    {
        using var api = await fixture.App.ApiAsync();
        var response = await api.PostAsJsonAsync("/api/v1/pairs", new { name, leftRoot = left, rightRoot = right, bandwidthLimit });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}
