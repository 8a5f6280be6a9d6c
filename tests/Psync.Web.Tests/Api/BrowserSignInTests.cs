using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Psync.Web.Auth;

namespace Psync.Web.Tests.Api;

/// <summary>The browser's sign-in: the login form (with its antiforgery token) sets the cookie that pages need.</summary>
public sealed partial class BrowserSignInTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task Cookie_UserDeleted_NextPageRedirectsToLogin()
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/users", new { userName = "visitor", password = "visitor-pass-1" });
        var user = await created.ReadAsync<UserResource>(HttpStatusCode.Created);
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = app.ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = true });
        await SignInAsync(browser, "visitor", "visitor-pass-1");
        using (var page = await browser.GetAsync("/settings"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var delete = await app.Client.DeleteAsync($"/api/v1/users/{user.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        using var after = await browser.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/login", after.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginForm_WithoutAntiforgeryToken_IsRefused()
    {
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = app.ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = true });

        using var post = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Username"] = "admin",
            ["Input.Password"] = PsyncAppFactory.AdminPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.DoesNotContain(post.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("psync.auth=", StringComparison.Ordinal)));
    }

    private static async Task SignInAsync(HttpClient browser, string userName, string password)
    {
        var form = await browser.GetStringAsync("/login");
        var token = AntiforgeryField().Match(form);
        Assert.True(token.Success, "the login form carries an antiforgery token");
        using var post = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Username"] = userName,
            ["Input.Password"] = password,
        }));
        Assert.True(post.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"sign-in answered {(int)post.StatusCode}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
