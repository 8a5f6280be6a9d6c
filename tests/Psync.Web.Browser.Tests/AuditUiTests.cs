using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Psync.Web.Browser.Tests;

/// <summary>What a person does in the browser lands in the audit log with their name and address, and the page shows it.</summary>
public sealed class AuditUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task PauseClicked_AuditEntryWithTheSignedInUserAndAddress_ShownOnTheAuditPage()
    {
        using var api = await fixture.App.ApiAsync();
        var created = await api.PostAsJsonAsync("/api/v1/pairs", new { name = "audited-ui", leftRoot = Ui.TempTree("left"), rightRoot = Ui.TempTree("right") });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}");
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("idle");

        await page.ClickAsync("#pause");
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("paused");

        var audit = await api.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=pair-paused");
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal(("admin", "127.0.0.1", $"pair {id} (audited-ui)"),
            (entry.GetProperty("user").GetString(), entry.GetProperty("address").GetString(), entry.GetProperty("target").GetString()));
        await page.GotoAsync($"{fixture.App.BaseUrl}/audit");
        await Expect(page.Locator("#audit")).ToContainTextAsync("pair-paused");
    }
}
