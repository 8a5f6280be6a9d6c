using System.Net;
using System.Net.Http.Json;

namespace Psync.Web.Tests.Api;

/// <summary>A password change and a sign-out end sessions on the server: old cookies and tokens stop working.</summary>
public sealed class SessionEndTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task ChangeOwnPassword_OldCookieAndOtherTokens401_TheChangingTokenAndNewPasswordWork()
    {
        var (user, changing) = await RoleUsers.CreateAsync(app, "changer", "operator", "first-password");
        var other = await app.LoginAsync("changer", "first-password");
        var jar = new CookieContainer();
        using var browser = await RoleUsers.SignInBrowserAsync(app, "changer", "first-password", jar);
        var cookies = jar.GetCookieHeader(browser.BaseAddress!);
        using var replay = RoleUsers.Replaying(app, cookies);
        Assert.True(await SignedInAsync(replay), "the browser's cookie opens a page before the change");

        using var client = app.ClientWith(changing);
        using var changed = await client.PutAsJsonAsync($"/api/v1/users/{user.Id}/password", new { currentPassword = "first-password", password = "second-password" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.False(await SignedInAsync(replay), "the old cookie still opens a page");
        using var otherClient = app.ClientWith(other);
        await Problem.AssertAsync(await otherClient.GetAsync("/api/v1/pairs"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/pairs")).StatusCode);
        Assert.StartsWith("psy_", await app.LoginAsync("changer", "second-password"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-password")]
    public async Task ChangeOwnPassword_WithoutTheCurrentOne_400AndNothingChanges(string? current)
    {
        var name = "keeper" + (current is null ? "1" : "2");
        var (user, token) = await RoleUsers.CreateAsync(app, name, "viewer", "keepers-password");
        using var client = app.ClientWith(token);

        using var response = await client.PutAsJsonAsync($"/api/v1/users/{user.Id}/password", new { currentPassword = current, password = "stolen-session-pw" });

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("current password", problem.Detail, StringComparison.Ordinal);
        Assert.StartsWith("psy_", await app.LoginAsync(name, "keepers-password"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/pairs")).StatusCode);
    }

    [Fact]
    public async Task AdminResetsPassword_NoCurrentPasswordNeeded_UsersCookieAndTokens401()
    {
        var (user, token) = await RoleUsers.CreateAsync(app, "forgetful", "viewer", "forgotten-password");
        var jar = new CookieContainer();
        using var browser = await RoleUsers.SignInBrowserAsync(app, "forgetful", "forgotten-password", jar);
        using var replay = RoleUsers.Replaying(app, jar.GetCookieHeader(browser.BaseAddress!));

        using var reset = await app.Client.PutAsJsonAsync($"/api/v1/users/{user.Id}/password", new { password = "fresh-password-1" });

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.False(await SignedInAsync(replay), "the old cookie still opens a page");
        using var client = app.ClientWith(token);
        await Problem.AssertAsync(await client.GetAsync("/api/v1/pairs"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/v1/pairs")).StatusCode);
    }

    [Fact]
    public async Task Hub_UsersPasswordReset_OpenConnectionClosedAndTheOldTokenRefused()
    {
        var (user, token) = await RoleUsers.CreateAsync(app, "listener", "viewer", "listeners-password");
        await using var hub = RoleUsers.Hub(app, token);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync();

        using var reset = await app.Client.PutAsJsonAsync($"/api/v1/users/{user.Id}/password", new { password = "another-password" });

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        await closed.Task.WaitAsync(PairsApi.Deadline);
        await using var again = RoleUsers.Hub(app, token);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => again.StartAsync());
    }

    [Fact]
    public async Task SignOut_OldCookieReplayed_RefusedOnApiAndPages()
    {
        await RoleUsers.CreateAsync(app, "leaver", "viewer", "leavers-password");
        var jar = new CookieContainer();
        using var browser = await RoleUsers.SignInBrowserAsync(app, "leaver", "leavers-password", jar);
        var cookies = jar.GetCookieHeader(browser.BaseAddress!);
        var page = await browser.GetStringAsync("/settings");

        using var signOut = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = RoleUsers.AntiforgeryTokenOf(page),
        }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var replay = RoleUsers.Replaying(app, cookies);
        Assert.False(await SignedInAsync(replay), "the old cookie still opens a page");
    }

    /// <summary>
    /// Whether the client's cookie still signs it in: the API takes bearer tokens only, so a page
    /// tells (a signed-out browser is sent to the sign-in page).
    /// </summary>
    private static async Task<bool> SignedInAsync(HttpClient browser)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/settings");
        request.Headers.Accept.ParseAdd("text/html");
        using var page = await browser.SendAsync(request);
        return page.StatusCode == HttpStatusCode.OK && page.RequestMessage?.RequestUri?.AbsolutePath != "/login";
    }
}
