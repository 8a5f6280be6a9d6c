using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Psync.Web.Browser.Tests;

/// <summary>In real Chromium, a viewer and an operator see no button or menu entry their role cannot use.</summary>
public sealed class RoleUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("viewer", false)]
    [InlineData("operator", true)]
    public async Task PairPage_OnlyWhatTheRoleMayDo(string role, bool mayPause)
    {
        using var api = await fixture.App.ApiAsync();
        var user = $"ui-{role}";
        var made = await api.PostAsJsonAsync("/api/v1/users", new { userName = user, password = "role-password-1", role });
        Assert.True(made.IsSuccessStatusCode, await made.Content.ReadAsStringAsync());
        var created = await api.PostAsJsonAsync("/api/v1/pairs", new { name = $"seen-by-{role}", leftRoot = Ui.TempTree("left"), rightRoot = Ui.TempTree("right") });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var page = await Ui.SignInAsync(fixture, $"/pairs/{id}", user, "role-password-1");
        await Expect(page.Locator(".psync-status").First).ToHaveTextAsync("idle");

        await Expect(page.Locator("#pause")).ToHaveCountAsync(mayPause ? 1 : 0);
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Alerts" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Add pair" })).ToHaveCountAsync(mayPause ? 1 : 0);
    }
}
