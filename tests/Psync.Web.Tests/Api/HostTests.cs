using System.Net;
using System.Net.Http.Json;
using Psync.Web.Hosts;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

public sealed class HostTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task CreateHost_GenerateKey_PublicKeyShownPrivateKeyStoredEncrypted()
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "generated", address = "backup.example.org", user = "psync", generateKey = true });

        var host = await response.ReadAsync<HostResource>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/hosts/{host.Id}", response.Headers.Location?.OriginalString);
        Assert.StartsWith("ssh-ed25519 ", host.PublicKey, StringComparison.Ordinal);
        Assert.Equal((true, 22, "backup.example.org", "psync", null), (host.HasKey, host.Port, host.Address, host.User, host.PinnedFingerprint));
        var got = await app.Client.GetFromJsonAsync<HostResource>($"/api/v1/hosts/{host.Id}");
        Assert.Equal(host with { Pairs = null }, got! with { Pairs = null });
        Assert.Empty(got.Pairs!);
        Assert.Contains((await app.Client.GetFromJsonAsync<List<HostResource>>("/api/v1/hosts"))!, h => h.Id == host.Id);
        var stored = await Database.CellsAsync(app.Database, "Hosts");
        Assert.Contains(stored, cell => cell.Column == "ProtectedPrivateKey" && cell.Value.Length > 100);
        Assert.DoesNotContain(stored, cell => cell.Value.Contains("PRIVATE KEY", StringComparison.Ordinal));
        Assert.DoesNotContain("PRIVATE KEY", Database.FilesText(app.Database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateHost_BadFields_400WithAnErrorPerField()
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "bad", port = 70000, user = "two words" });

        await Problem.AssertValidationAsync(response, "address", "port", "user");
        Assert.DoesNotContain((await app.Client.GetFromJsonAsync<List<HostResource>>("/api/v1/hosts"))!, h => h.Name == "bad");
    }

    [Theory]
    [InlineData("{\"address\":\"h.example.org\",\"user\":\"u\"}", "name")]
    [InlineData("{\"name\":\"a\",\"address\":\"h.example.org\",\"user\":\"u\",\"port\":0}", "port")]
    [InlineData("{\"name\":\"a\",\"address\":\"h.example.org\",\"user\":\"u@x\"}", "user")]
    [InlineData("{\"name\":\"a\",\"address\":\"h.example.org\"}", "user")]
    [InlineData("{\"name\":\"a\",\"address\":\"  \",\"user\":\"u\"}", "address")]
    [InlineData("{\"name\":\"a\",\"address\":\"h.example.org\",\"user\":\"u\",\"privateKey\":\"not a key\"}", "privateKey")]
    [InlineData("{\"name\":\"a\",\"address\":\"h.example.org\",\"user\":\"u\",\"privateKey\":\"-----BEGIN OPENSSH PRIVATE KEY-----\\nx\\n-----END OPENSSH PRIVATE KEY-----\",\"generateKey\":true}", "generateKey")]
    public async Task CreateHost_InvalidField_400ForThatField(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await app.Client.PostAsync("/api/v1/hosts", content);

        await Problem.AssertValidationAsync(response, field);
    }

    [Fact]
    public async Task CreateHost_NameTaken_400()
    {
        using var first = await app.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "twice", address = "one.example.org", user = "u" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var again = await app.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "twice", address = "two.example.org", user = "u" });

        await Problem.AssertValidationAsync(again, "name");
    }

    [Fact]
    public async Task TestHost_NothingListening_ReachableFalseWithMessage()
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "closed", address = "127.0.0.1", port = SshdFixture.FreePort(), user = "psync", generateKey = true });
        var host = await created.ReadAsync<HostResource>(HttpStatusCode.Created);

        using var response = await app.Client.PostAsync($"/api/v1/hosts/{host.Id}/test", null);

        var result = await response.ReadAsync<HostTestResult>(HttpStatusCode.OK);
        Assert.Equal((false, false, null), (result.Reachable, result.Trusted, result.Fingerprint));
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        Assert.DoesNotContain("no SSH key", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteHost_Unused_204ThenGone()
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "short-lived", address = "gone.example.org", user = "u", generateKey = true });
        var host = await created.ReadAsync<HostResource>(HttpStatusCode.Created);

        using var deleted = await app.Client.DeleteAsync($"/api/v1/hosts/{host.Id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await app.Client.GetAsync($"/api/v1/hosts/{host.Id}");
        await Problem.AssertAsync(gone, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteHost_UsedByAPair_409UntilThePairIsRemoved()
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "in-use", address = "127.0.0.1", port = SshdFixture.FreePort(), user = "u", generateKey = true });
        var host = await created.ReadAsync<HostResource>(HttpStatusCode.Created);
        using var pairCreated = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "remote", leftRoot = app.NewFolder("remote-left"), rightRoot = "/srv/psync", hostId = host.Id });
        var pair = await pairCreated.ReadAsync<PairResource>(HttpStatusCode.Created);
        Assert.Equal(host.Id, pair.HostId);

        using var refused = await app.Client.DeleteAsync($"/api/v1/hosts/{host.Id}");
        await Problem.AssertAsync(refused, HttpStatusCode.Conflict);

        using var pairDeleted = await app.Client.DeleteAsync($"/api/v1/pairs/{pair.Id}");
        Assert.Equal(HttpStatusCode.NoContent, pairDeleted.StatusCode);
        using var deleted = await app.Client.DeleteAsync($"/api/v1/hosts/{host.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }
}
