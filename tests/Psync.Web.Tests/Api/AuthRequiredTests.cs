using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Psync.Web.Tests.Api;

public sealed class AuthRequiredTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    /// <summary>The one API operation that works without a token.</summary>
    private static readonly (string Method, string Path) Anonymous = ("POST", "/api/v1/auth/login");

    [Fact]
    public async Task EveryDocumentedRoute_NoTokenOrWrongToken_401ProblemDetails()
    {
        var operations = await DocumentedOperationsAsync();
        var failures = new List<string>();

        foreach (var (method, path) in operations.Where(o => o != Anonymous))
        {
            var url = Placeholder().Replace(path, "1");
            foreach (var token in new[] { null, "psy_wrong" })
            {
                using var client = app.ClientWith(token);
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method is "POST" or "PUT")
                {
                    request.Content = JsonContent.Create(new { });
                }
                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{method} {url} with {token ?? "no token"}: {(int)response.StatusCode} {response.Content.Headers.ContentType}");
                }
            }
        }

        Assert.True(operations.Count >= 30, $"only {operations.Count} operations documented");
        Assert.Contains(Anonymous, operations);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Login_NoToken_IsTheOneAnonymousOperation()
    {
        using var client = app.ClientWith(null);

        using var response = await client.PostAsJsonAsync(Anonymous.Path, new { username = "admin", password = PsyncAppFactory.AdminPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/metrics")]
    [InlineData("POST", "/hubs/events/negotiate?negotiateVersion=1")]
    [InlineData("GET", "/openapi/v1.json")]
    [InlineData("GET", "/api/docs")]
    [InlineData("GET", "/api/docs/")]
    public async Task UndocumentedEndpoint_NoTokenOrWrongToken_401(string method, string url)
    {
        foreach (var token in new[] { null, "psy_wrong" })
        {
            using var client = app.ClientWith(token);
            using var request = new HttpRequestMessage(new HttpMethod(method), url);

            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {url} with {token ?? "no token"}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task HubAccessTokenQuery_WrongToken_401()
    {
        using var client = app.ClientWith(null);

        using var response = await client.PostAsync("/hubs/events/negotiate?negotiateVersion=1&access_token=psy_wrong", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UiPage_BrowserWithoutSignIn_RedirectedToLogin()
    {
        using var client = app.ClientWith(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = Assert.IsType<Uri>(response.Headers.Location);
        Assert.Equal("/login", (location.IsAbsoluteUri ? location : new Uri(client.BaseAddress!, location)).AbsolutePath);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("psy_wrong")]
    public async Task Healthz_NoOrWrongToken_200(string? token)
    {
        using var client = app.ClientWith(token);

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_WithToken_PrometheusText()
    {
        using var response = await app.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE psync_pairs gauge\npsync_pairs 0\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<List<(string Method, string Path)>> DocumentedOperationsAsync() =>
        [.. (await DocumentedRoutes.ListAsync(app.Client)).Select(r => (r.Method, r.Path))];

    private static Regex Placeholder() => DocumentedRoutes.Placeholder();
}
