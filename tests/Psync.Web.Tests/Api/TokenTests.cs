using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Psync.Web.Auth;

namespace Psync.Web.Tests.Api;

public sealed class TokenTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task Token_CreateUseListRevoke_WorksUntilRevoked()
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci pipeline" });
        var token = await created.ReadAsync<CreatedToken>(HttpStatusCode.Created);
        Assert.StartsWith("psy_", token.Token, StringComparison.Ordinal);
        Assert.True(token.Token.Length > 40, token.Token);
        Assert.Equal(("ci pipeline", "admin", token.Token[..10]), (token.Record.Name, token.Record.User, token.Record.Prefix));
        Assert.Equal($"/api/v1/tokens/{token.Record.Id}", created.Headers.Location?.OriginalString);

        using var withToken = app.ClientWith(token.Token);
        using var used = await withToken.GetAsync("/api/v1/pairs");
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);

        using var list = await app.Client.GetAsync("/api/v1/tokens");
        var listed = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token.Token, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Token[10..], listed, StringComparison.Ordinal);
        var record = Assert.Single((await list.ReadAsync<List<TokenResource>>(HttpStatusCode.OK)), t => t.Id == token.Record.Id);
        Assert.Equal(("ci pipeline", token.Token[..10]), (record.Name, record.Prefix));
        Assert.NotNull(record.LastUsedAt);

        using var revoked = await app.Client.DeleteAsync($"/api/v1/tokens/{token.Record.Id}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using var refused = await withToken.GetAsync("/api/v1/pairs");
        await Problem.AssertAsync(refused, HttpStatusCode.Unauthorized);
        Assert.DoesNotContain((await app.Client.GetFromJsonAsync<List<TokenResource>>("/api/v1/tokens"))!, t => t.Id == token.Record.Id);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"   \"}")]
    [InlineData("{\"name\":\"old\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}")]
    public async Task CreateToken_NoNameOrPastExpiry_400Problem(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await app.Client.PostAsync("/api/v1/tokens", content);

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Database_HoldsTokensAndPasswordsOnlyAsHashes()
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "stored" });
        var apiToken = (await created.ReadAsync<CreatedToken>(HttpStatusCode.Created)).Token;
        var secrets = new[] { app.Token, apiToken, PsyncAppFactory.AdminPassword };

        var cells = await Database.CellsAsync(app.Database);

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(cells, cell => cell.Value.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret[..^2], Database.FilesText(app.Database), StringComparison.Ordinal);
        }
        // The checks above looked at the right data: the tokens are there, as SHA-256.
        foreach (var token in new[] { app.Token, apiToken })
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
            Assert.Contains(cells, cell => cell.Table == "Tokens" && cell.Value == hash);
        }
        Assert.Contains(cells, cell => cell.Table == "Users" && cell.Value == "admin");
    }
}
