using System.Net;
using System.Net.Http.Json;
using Psync.Web.Audit;
using Psync.Web.Hosts;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

/// <summary>The audit log through the API, on Kestrel so that requests come from a real address.</summary>
public sealed class AuditTests(KestrelAppFactory app) : IClassFixture<KestrelAppFactory>
{
    private HttpClient Client => app.Client;

    [Fact]
    public async Task Actions_EachRecordedOnceWithUserAddressAndTime()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        // What the app recorded before (the admin made at its first start): not this test's.
        var before = (await Client.GetFromJsonAsync<AuditPage>("/api/v1/audit?limit=1"))!.Items.FirstOrDefault()?.Id ?? 0;
        using var anonymous = app.ClientWith(null);
        using var failed = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = "wrong-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        var left = app.NewFolder("audit-left");
        var right = app.NewFolder("audit-right");
        var pair = await Client.CreateIdlePairAsync("audited", left, right);
        await Client.PostOkAsync<PairResource>($"/api/v1/pairs/{pair.Id}/pause");
        await Client.PostOkAsync<PairResource>($"/api/v1/pairs/{pair.Id}/resume");
        await Client.WaitForStateAsync(pair.Id, "idle");
        await Client.PostOkAsync<PairResource>($"/api/v1/pairs/{pair.Id}/flush?timeoutSeconds=30");
        using (var put = await Client.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new { name = "audited", leftRoot = left, rightRoot = right, holdMilliseconds = 100 }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        using (var host = await Client.PostAsJsonAsync("/api/v1/hosts", new { name = "audit-host", address = "127.0.0.1", user = "u", generateKey = true }))
        {
            var created = await host.ReadAsync<HostResource>(HttpStatusCode.Created);
            using var deleteHost = await Client.DeleteAsync($"/api/v1/hosts/{created.Id}");
            Assert.Equal(HttpStatusCode.NoContent, deleteHost.StatusCode);
        }
        using (var user = await Client.PostAsJsonAsync("/api/v1/users", new { userName = "ann", password = "ann-password-1" }))
        {
            Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        }
        using (var token = await Client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci" }))
        {
            Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        }
        using var delete = await Client.DeleteAsync($"/api/v1/pairs/{pair.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        var page = await Client.GetFromJsonAsync<AuditPage>($"/api/v1/audit?from={Uri.EscapeDataString(started.ToString("O"))}&limit=500");

        var entries = page!.Items.Where(e => e.Id > before).ToList();
        string[] once = ["sign-in-failed", "pair-created", "pair-paused", "pair-resumed", "pair-flushed", "pair-edited", "host-created", "host-deleted", "user-created", "token-created", "pair-deleted"];
        foreach (var action in once)
        {
            var entry = Assert.Single(entries, e => e.Action == action);
            Assert.Equal("admin", entry.User);
            Assert.Equal("127.0.0.1", entry.Address);
            Assert.InRange(entry.Time, started, DateTimeOffset.UtcNow.AddSeconds(1));
        }
        Assert.Contains($"pair {pair.Id} (audited)", entries.Single(e => e.Action == "pair-deleted").Target, StringComparison.Ordinal);
        Assert.Equal("wrong password", entries.Single(e => e.Action == "sign-in-failed").Detail);
        Assert.DoesNotContain(entries, e => e.Action == "token-created" && e.Target.Contains("login", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Query_FilterByActionAndUser_AndPaged()
    {
        await app.LoginAsync("admin", PsyncAppFactory.AdminPassword);
        await app.LoginAsync("admin", PsyncAppFactory.AdminPassword);

        var first = await Client.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=sign-in&user=admin&limit=1");
        var second = await Client.GetFromJsonAsync<AuditPage>($"/api/v1/audit?action=sign-in&user=admin&limit=1&before={first!.NextBefore}");

        Assert.Equal("sign-in", Assert.Single(first.Items).Action);
        Assert.True(Assert.Single(second!.Items).Id < first.Items[0].Id);
        Assert.NotNull(first.NextBefore);
    }

    [Theory]
    [InlineData("action=flying")]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    public async Task Query_BadParameter_400Problem(string query)
    {
        using var response = await Client.GetAsync($"/api/v1/audit?{query}");

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Query_Anonymous_401()
    {
        using var anonymous = app.ClientWith(null);

        using var response = await anonymous.GetAsync("/api/v1/audit");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
