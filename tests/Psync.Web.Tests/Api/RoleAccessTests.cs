using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Psync.Web.Auth;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

/// <summary>Roles on every route: the OpenAPI document says which role each needs, and a lower role gets 403.</summary>
public sealed class RoleAccessTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private static readonly string[] Ranks = ["viewer", "operator", "admin"];

    [Fact]
    public async Task EveryDocumentedRoute_SaysWhichRoleItNeeds()
    {
        var missing = (await RolesByRouteAsync()).Where(r => r.Role is null && r.Path != "/api/v1/auth/login").Select(r => $"{r.Method} {r.Path}").ToList();

        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("operator")]
    public async Task EveryDocumentedRoute_LowerRole_403AndOthersNot(string role)
    {
        var (_, token) = await RoleUsers.CreateAsync(app, $"table-{role}", role);
        using var client = app.ClientWith(token);
        var routes = (await RolesByRouteAsync()).Where(r => r.Role is not null).ToList();
        var failures = new List<string>();

        foreach (var (method, path, needs) in routes)
        {
            var url = DocumentedRoutes.Placeholder().Replace(path, "1");
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT")
            {
                request.Content = JsonContent.Create(new { });
            }
            using var response = await client.SendAsync(request);
            // Another user's password (user 1 is the admin) is an admin's to set, whatever the route allows for one's own.
            var forbidden = Array.IndexOf(Ranks, needs) > Array.IndexOf(Ranks, role) || (method, path) == ("PUT", "/api/v1/users/{id}/password");
            if (forbidden ? response.StatusCode != HttpStatusCode.Forbidden || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                          : response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            {
                failures.Add($"{method} {url} (needs {needs}) as {role}: {(int)response.StatusCode}");
            }
        }

        Assert.True(routes.Count >= 30, $"only {routes.Count} routes");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Forbidden_SaysTheRoleNeededAndTheCallers()
    {
        var (_, token) = await RoleUsers.CreateAsync(app, "says-why", "viewer");
        using var client = app.ClientWith(token);

        using var response = await client.PostAsJsonAsync("/api/v1/pairs", new { name = "nope", leftRoot = app.NewFolder("nope-l"), rightRoot = app.NewFolder("nope-r") });

        var problem = await Problem.AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("this needs the role operator; you are viewer", problem.Detail);
        Assert.DoesNotContain((await app.Client.GetFromJsonAsync<List<PairResource>>("/api/v1/pairs"))!, p => p.Name == "nope");
    }

    [Fact]
    public async Task Tokens_Viewer_SeesAndRevokesOnlyTheirOwn()
    {
        var (viewer, token) = await RoleUsers.CreateAsync(app, "nosy", "viewer");
        using var client = app.ClientWith(token);
        var adminTokens = (await app.Client.GetFromJsonAsync<List<TokenResource>>("/api/v1/tokens"))!.Where(t => t.User == "admin").ToList();
        Assert.NotEmpty(adminTokens);

        var listed = (await client.GetFromJsonAsync<List<TokenResource>>("/api/v1/tokens"))!;
        using var revoke = await client.DeleteAsync($"/api/v1/tokens/{adminTokens[0].Id}");

        Assert.All(listed, t => Assert.Equal(viewer.UserName, t.User));
        Assert.NotEmpty(listed);
        await Problem.AssertAsync(revoke, HttpStatusCode.NotFound);
        using var stillThere = await app.Client.GetAsync("/api/v1/pairs");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
        Assert.Contains((await app.Client.GetFromJsonAsync<List<TokenResource>>("/api/v1/tokens"))!, t => t.Id == adminTokens[0].Id);
    }

    [Fact]
    public async Task Operator_CannotManageUsersHostsOrRaiseOwnRole()
    {
        var (op, token) = await RoleUsers.CreateAsync(app, "ops", "operator");
        using var client = app.ClientWith(token);

        using var user = await client.PostAsJsonAsync("/api/v1/users", new { userName = "sneaky", password = "sneaky-password", role = "admin" });
        using var raise = await client.PutAsJsonAsync($"/api/v1/users/{op.Id}/role", new { role = "admin" });
        using var host = await client.PostAsJsonAsync("/api/v1/hosts", new { name = "h", address = "192.0.2.1", user = "sync", generateKey = true });
        using var reset = await client.PutAsJsonAsync("/api/v1/users/1/password", new { password = "taken-over-pw" });

        await Problem.AssertAsync(user, HttpStatusCode.Forbidden);
        await Problem.AssertAsync(raise, HttpStatusCode.Forbidden);
        await Problem.AssertAsync(host, HttpStatusCode.Forbidden);
        await Problem.AssertAsync(reset, HttpStatusCode.Forbidden);
        Assert.Equal("operator", (await client.GetFromJsonAsync<UserResource>("/api/v1/users/me"))!.Role);
        Assert.StartsWith("psy_", await app.LoginAsync("admin", PsyncAppFactory.AdminPassword), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_RoleAboveOwner_403AndLowerRoleHolds()
    {
        var (_, viewerToken) = await RoleUsers.CreateAsync(app, "climber", "viewer");
        using var asViewer = app.ClientWith(viewerToken);
        using var higher = await asViewer.PostAsJsonAsync("/api/v1/tokens", new { name = "more", role = "operator" });
        await Problem.AssertAsync(higher, HttpStatusCode.Forbidden);

        using var created = await app.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "dashboard", role = "viewer" });
        var limited = await created.ReadAsync<CreatedToken>(HttpStatusCode.Created);
        using var asLimited = app.ClientWith(limited.Token);
        using var pause = await asLimited.PostAsync("/api/v1/pairs/1/pause", null);

        Assert.Equal("viewer", limited.Record.Role);
        await Problem.AssertAsync(pause, HttpStatusCode.Forbidden);
        Assert.Equal("viewer", (await asLimited.GetFromJsonAsync<UserResource>("/api/v1/users/me"))!.Role);
    }

    [Fact]
    public async Task SetRole_Demoted_ExistingTokenLosesTheRoleAtOnce()
    {
        var (op, token) = await RoleUsers.CreateAsync(app, "demoted", "operator");
        using var client = app.ClientWith(token);
        var pair = await client.CreatePairAsync("demoted-pair", app.NewFolder("demoted-l"), app.NewFolder("demoted-r"));

        using var demote = await app.Client.PutAsJsonAsync($"/api/v1/users/{op.Id}/role", new { role = "viewer" });
        Assert.Equal(HttpStatusCode.NoContent, demote.StatusCode);
        using var pause = await client.PostAsync($"/api/v1/pairs/{pair.Id}/pause", null);

        await Problem.AssertAsync(pause, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/pairs/{pair.Id}")).StatusCode);
    }

    [Fact]
    public async Task Hub_Viewer_ConnectsAndReceivesPairChanges()
    {
        var pair = await app.Client.CreatePairAsync("hub-viewer", app.NewFolder("hub-viewer-l"), app.NewFolder("hub-viewer-r"));
        var (_, token) = await RoleUsers.CreateAsync(app, "watcher", "viewer");
        await using var hub = RoleUsers.Hub(app, token);
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<PairResource>("PairChanged", p =>
        {
            if (p.Id == pair.Id && p.Paused)
            {
                paused.TrySetResult();
            }
        });
        await hub.StartAsync();

        using var response = await app.Client.PostAsync($"/api/v1/pairs/{pair.Id}/pause", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await paused.Task.WaitAsync(PairsApi.Deadline);
    }

    private async Task<List<(string Method, string Path, string? Role)>> RolesByRouteAsync()
    {
        using var document = JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json"));
        return [.. document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation =>
                (operation.Name.ToUpperInvariant(), path.Name,
                 operation.Value.TryGetProperty(Roles.OpenApiExtension, out var role) ? role.GetString() : null)))];
    }
}
