using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Psync.Web.Tests.Api;

/// <summary>Requests from other origins: the API takes no cookie, the hub and state changes check Origin, sign-out needs its token.</summary>
public sealed partial class CrossOriginTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task Api_SignedInBrowserCookieOnly_401()
    {
        using var browser = await SignedInBrowserAsync();

        using var response = await browser.GetAsync("/api/v1/pairs");

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("https://localhost:8443")]
    [InlineData("http://localhost")]
    [InlineData("https://evil.example")]
    [InlineData("null")]
    public async Task Hub_ForeignOrigin_403(string origin)
    {
        using var client = app.ClientWith(app.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/events/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Hub_SameOriginOrNoOrigin_Negotiates()
    {
        using var client = app.ClientWith(app.Token);
        foreach (var origin in new[] { "https://localhost", null })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/events/negotiate?negotiateVersion=1");
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Hub_WebSocketFromForeignOrigin_403()
    {
        using var client = app.ClientWith(app.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hubs/events?access_token=" + app.Token);
        request.Headers.Add("Origin", "https://localhost:9999");
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Logout_WithoutAntiforgeryToken_RedirectsToLoginAndStaysSignedIn()
    {
        using var browser = await SignedInBrowserAsync();

        using var logout = await browser.PostAsync("/account/logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/login", logout.Headers.Location?.OriginalString);
        using var page = await browser.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task LoginForm_ForeignOrigin_403()
    {
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = app.ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = true });
        var token = AntiforgeryField().Match(await browser.GetStringAsync("/login")).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = LoginForm(WebUtility.HtmlDecode(token)) };
        request.Headers.Add("Origin", "https://localhost:8443");

        using var post = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }

    private async Task<HttpClient> SignedInBrowserAsync()
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = app.ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = true });
        var token = AntiforgeryField().Match(await browser.GetStringAsync("/login"));
        Assert.True(token.Success, "the login form carries an antiforgery token");
        using var post = await browser.PostAsync("/login", LoginForm(WebUtility.HtmlDecode(token.Groups[1].Value)));
        Assert.True(post.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"sign-in answered {(int)post.StatusCode}");
        return browser;
    }

    private static FormUrlEncodedContent LoginForm(string token) => new(new Dictionary<string, string>
    {
        ["_handler"] = "login",
        ["__RequestVerificationToken"] = token,
        ["Input.Username"] = "admin",
        ["Input.Password"] = PsyncAppFactory.AdminPassword,
    });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
