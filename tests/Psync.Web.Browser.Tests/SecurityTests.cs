using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Playwright;

namespace Psync.Web.Browser.Tests;

/// <summary>The appliance as it runs on a network: HTTPS with its own certificate, and pages of other origins cannot act for a signed-in user.</summary>
public sealed class SecurityTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Https_GeneratedCertificate_ServedWithHstsAndSecureCookies()
    {
        // The pinned handler accepts only the certificate the appliance wrote into its data folder.
        using var http = new HttpClient(fixture.App.PinnedHandler()) { BaseAddress = new Uri(fixture.App.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Host = "psync.example"; // HSTS is not sent for localhost and loopback addresses

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        using var made = X509CertificateLoader.LoadPkcs12FromFile(fixture.App.CertificatePath, null);
        var fingerprint = string.Join(':', made.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(fingerprint, fixture.App.Log, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fixture.App.CertificatePath));
    }

    [Fact]
    public async Task SignIn_Browser_AuthCookieSecureStrict()
    {
        var page = await Ui.SignInAsync(fixture);

        var auth = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "psync.auth");

        Assert.True(auth.Secure);
        Assert.True(auth.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, auth.SameSite);
    }

    [Fact]
    public async Task Http_AnyPath_RedirectsToHttps()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var response = await http.GetAsync($"{fixture.App.HttpUrl}/pairs?x=1");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal($"{fixture.App.BaseUrl}/pairs?x=1", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData(true)] // https on another port of 127.0.0.1: the same site, so the Strict cookie goes along
    [InlineData(false)] // http on localhost: another site
    public async Task AttackerPage_FetchAndFormPost_CannotPauseAPair(bool sameSite)
    {
        var id = await CreatePairAsync($"target-{sameSite}", Ui.TempTree("left"), Ui.TempTree("right"));
        var page = await Ui.SignInAsync(fixture);
        var pause = $"{fixture.App.BaseUrl}/api/v1/pairs/{id}/pause";
        await using var attacker = new AttackerSite($$"""
            <!doctype html><html><body>
            <form id="f" method="post" action="{{pause}}" enctype="text/plain"><input name="x" value="y"></form>
            <script>
              fetch("{{pause}}", { method: "POST", credentials: "include", mode: "no-cors" })
                .finally(() => fetch("{{fixture.App.BaseUrl}}/hubs/events/negotiate?negotiateVersion=1", { method: "POST", credentials: "include", mode: "no-cors" }))
                .finally(() => { document.title = "sent"; document.getElementById("f").submit(); });
            </script>
            </body></html>
            """, sameSite);

        var posted = page.WaitForResponseAsync(r => r.Url == pause && r.Request.IsNavigationRequest);
        await page.GotoAsync(attacker.Url);
        var formAnswer = await posted;

        Assert.Equal(403, formAnswer.Status); // another origin: refused before authentication
        using var api = await fixture.App.ApiAsync();
        var pair = await api.GetFromJsonAsync<JsonElement>($"/api/v1/pairs/{id}");
        Assert.False(pair.GetProperty("paused").GetBoolean());
    }

    private async Task<int> CreatePairAsync(string name, string left, string right)
    {
        using var api = await fixture.App.ApiAsync();
        var response = await api.PostAsJsonAsync("/api/v1/pairs", new { name, leftRoot = left, rightRoot = right });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}
