using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.SignalR.Client;
using Psync.Web.Auth;

namespace Psync.Web.Tests.Api;

/// <summary>Users of a given role, signed in through the API or the browser's form.</summary>
internal static partial class RoleUsers
{
    /// <summary>Creates <paramref name="userName"/> with <paramref name="role"/> (as the admin) and signs in through the API.</summary>
    public static async Task<(UserResource User, string Token)> CreateAsync(PsyncAppFactory app, string userName, string role, string password = "long-enough-pw")
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/users", new { userName, password, role });
        var user = await created.ReadAsync<UserResource>(HttpStatusCode.Created);
        Assert.Equal(role, user.Role);
        return (user, await app.LoginAsync(userName, password));
    }

    /// <summary>A browser (cookies kept in <paramref name="jar"/>, no redirects followed) signed in through the login form.</summary>
    public static async Task<HttpClient> SignInBrowserAsync(PsyncAppFactory app, string userName, string password, CookieContainer jar)
    {
        var browser = app.CreateDefaultClient(app.ClientOptions.BaseAddress, new CookieContainerHandler(jar));
        var form = await browser.GetStringAsync("/login");
        using var post = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = AntiforgeryTokenOf(form),
            ["Input.Username"] = userName,
            ["Input.Password"] = password,
        }));
        Assert.True(post.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"sign-in answered {(int)post.StatusCode}");
        return browser;
    }

    /// <summary>A client that sends exactly <paramref name="cookies"/> (a Cookie header copied earlier), as a stolen cookie would be replayed.</summary>
    public static HttpClient Replaying(PsyncAppFactory app, string cookies)
    {
        var client = app.ClientWith(null);
        client.DefaultRequestHeaders.Add("Cookie", cookies);
        return client;
    }

    /// <summary>A hub connection through the in-memory server (long polling), with <paramref name="token"/> as access_token.</summary>
    public static HubConnection Hub(PsyncAppFactory app, string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/events"), o =>
        {
            o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
            o.Transports = HttpTransportType.LongPolling;
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        })
        .Build();

    public static string AntiforgeryTokenOf(string page)
    {
        var match = AntiforgeryField().Match(page);
        Assert.True(match.Success, "the page carries an antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
