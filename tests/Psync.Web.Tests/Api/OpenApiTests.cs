using System.Net;
using System.Text.Json;

namespace Psync.Web.Tests.Api;

public sealed class OpenApiTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    /// <summary>Every operation the API promises: a route removed or renamed, or an operationId changed, fails the test.</summary>
    public static readonly TheoryData<string, string, string> Operations = new()
    {
        { "POST", "/api/v1/auth/login", "Login" },
        { "GET", "/api/v1/tokens", "ListTokens" },
        { "POST", "/api/v1/tokens", "CreateToken" },
        { "DELETE", "/api/v1/tokens/{id}", "RevokeToken" },
        { "GET", "/api/v1/users", "ListUsers" },
        { "POST", "/api/v1/users", "CreateUser" },
        { "GET", "/api/v1/users/me", "GetMe" },
        { "PUT", "/api/v1/users/{id}/password", "SetPassword" },
        { "PUT", "/api/v1/users/{id}/role", "SetRole" },
        { "DELETE", "/api/v1/users/{id}", "DeleteUser" },
        { "GET", "/api/v1/pairs", "ListPairs" },
        { "POST", "/api/v1/pairs", "CreatePair" },
        { "GET", "/api/v1/pairs/{id}", "GetPair" },
        { "PUT", "/api/v1/pairs/{id}", "UpdatePair" },
        { "DELETE", "/api/v1/pairs/{id}", "DeletePair" },
        { "POST", "/api/v1/pairs/{id}/pause", "PausePair" },
        { "POST", "/api/v1/pairs/{id}/resume", "ResumePair" },
        { "POST", "/api/v1/pairs/{id}/resync", "ResyncPair" },
        { "POST", "/api/v1/pairs/{id}/verify", "VerifyPair" },
        { "POST", "/api/v1/pairs/{id}/flush", "FlushPair" },
        { "GET", "/api/v1/pairs/{id}/queue", "GetQueue" },
        { "GET", "/api/v1/pairs/{id}/events", "GetEvents" },
        { "GET", "/api/v1/pairs/{id}/conflicts", "GetConflicts" },
        { "GET", "/api/v1/pairs/{id}/trash", "GetTrash" },
        { "GET", "/api/v1/pairs/{id}/totals", "GetPairTotals" },
        { "GET", "/api/v1/pairs/{id}/series", "GetPairSeries" },
        { "POST", "/api/v1/pairs/{id}/trash/restore", "RestoreFromTrash" },
        { "GET", "/api/v1/pairs/{id}/out-of-sync", "GetOutOfSync" },
        { "POST", "/api/v1/pairs/{id}/out-of-sync/retry", "RetryOutOfSync" },
        { "GET", "/api/v1/pairs/{id}/inspect", "InspectPath" },
        { "GET", "/api/v1/pairs/{id}/browse", "BrowsePath" },
        { "GET", "/api/v1/pairs/{id}/trash/groups", "GetTrashGroups" },
        { "POST", "/api/v1/pairs/{id}/trash/groups/restore", "RestoreTrashGroup" },
        { "GET", "/api/v1/pairs/{id}/held-deletes", "GetHeldDeletes" },
        { "POST", "/api/v1/pairs/{id}/held-deletes/restore", "RestoreHeldDeletes" },
        { "POST", "/api/v1/conflicts/{id}/resolve", "ResolveConflict" },
        { "GET", "/api/v1/pairs/{id}/conflicts/{cid}/preview", "PreviewConflict" },
        { "POST", "/api/v1/pairs/{id}/conflicts/resolve", "ResolveConflicts" },
        { "GET", "/api/v1/hosts", "ListHosts" },
        { "POST", "/api/v1/hosts", "CreateHost" },
        { "GET", "/api/v1/hosts/{id}", "GetHost" },
        { "PUT", "/api/v1/hosts/{id}", "UpdateHost" },
        { "DELETE", "/api/v1/hosts/{id}", "DeleteHost" },
        { "POST", "/api/v1/hosts/{id}/test", "TestHost" },
        { "POST", "/api/v1/hosts/{id}/trust", "TrustHost" },
        { "POST", "/api/v1/hosts/{id}/deploy", "DeployAgent" },
        { "GET", "/api/v1/settings", "GetSettings" },
        { "PUT", "/api/v1/settings", "SetSettings" },
        { "GET", "/api/v1/alerts/channels", "ListAlertChannels" },
        { "POST", "/api/v1/alerts/channels", "CreateAlertChannel" },
        { "GET", "/api/v1/alerts/channels/{id}", "GetAlertChannel" },
        { "PUT", "/api/v1/alerts/channels/{id}", "UpdateAlertChannel" },
        { "DELETE", "/api/v1/alerts/channels/{id}", "DeleteAlertChannel" },
        { "POST", "/api/v1/alerts/channels/{id}/test", "TestAlertChannel" },
        { "GET", "/api/v1/alerts/rules", "ListAlertRules" },
        { "POST", "/api/v1/alerts/rules", "CreateAlertRule" },
        { "GET", "/api/v1/alerts/rules/{id}", "GetAlertRule" },
        { "PUT", "/api/v1/alerts/rules/{id}", "UpdateAlertRule" },
        { "DELETE", "/api/v1/alerts/rules/{id}", "DeleteAlertRule" },
        { "GET", "/api/v1/alerts/deliveries", "ListAlertDeliveries" },
        { "GET", "/api/v1/audit", "GetAudit" },
        { "GET", "/metrics", "Metrics" },
    };

    [Fact]
    public async Task Document_IsOpenApi3Json()
    {
        using var response = await app.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("info").GetProperty("title").GetString()));
        Assert.Equal(JsonValueKind.Object, root.GetProperty("paths").ValueKind);
    }

    [Theory]
    [InlineData("RuleRequest", "condition", "host-unreachable")]
    [InlineData("RuleResource", "condition", "agent-deploy-failed")]
    [InlineData("ChannelRequest", "kind", "ntfy")]
    [InlineData("ChannelRequest", "smtpSecurity", "starttls")]
    public async Task Document_AlertValues_Listed(string schema, string property, string value)
    {
        using var document = JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json"));

        var values = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties").GetProperty(property).GetProperty("enum");
        Assert.Contains(value, values.EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Document_PairRequestLimits_AreTheEngines()
    {
        using var document = JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json"));

        var properties = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("PairRequest").GetProperty("properties");
        Assert.Equal(Psync.Engine.PairOptions.MaxDeleteHold.TotalMilliseconds, properties.GetProperty("holdMilliseconds").GetProperty("maximum").GetDouble());
        Assert.Equal(Psync.Engine.PairOptions.MaxTrashRetention.TotalDays, properties.GetProperty("trashDays").GetProperty("maximum").GetDouble());
        Assert.Equal(1, properties.GetProperty("maxDeleteShare").GetProperty("maximum").GetDouble());
        Assert.Equal(Psync.Engine.PairOptions.MaxBandwidthLimit, properties.GetProperty("bandwidthLimit").GetProperty("maximum").GetDouble());
        Assert.Equal(Psync.Engine.PairOptions.MaxBandwidthWindows, properties.GetProperty("bandwidthWindows").GetProperty("maxItems").GetInt32());
    }

    [Theory]
    [InlineData("PairRequest")]
    [InlineData("PairResource")]
    public async Task Document_PairMode_ListsTheEnginesModes(string schema)
    {
        using var document = JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json"));

        var mode = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties").GetProperty("mode");
        Assert.Equal(["two-way", "one-way-safe", "mirror"], mode.GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("mirror: ", mode.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Document_ListsOperation(string method, string path, string operationId)
    {
        using var document = JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");

        Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not documented; paths: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {path} is not documented");
        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()), $"{operationId} has no summary");
    }

    [Fact]
    public async Task Document_ListsNoOtherOperations()
    {
        using var document = JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json"));
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}"))
            .Order(StringComparer.Ordinal);
        var expected = Operations.Select(row => $"{row[0]} {row[1]}").Order(StringComparer.Ordinal);

        Assert.Equal(expected, documented);
    }

    [Fact]
    public async Task ApiReference_WithToken_ServesThePage()
    {
        using var response = await app.Client.GetAsync("/api/docs/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ApiReference_ListsEveryOperationAndLoadsNothingFromElsewhere()
    {
        var html = await app.Client.GetStringAsync("/api/docs");

        foreach (var row in Operations)
        {
            Assert.Contains($"id=\"{row[2]}\"", html, StringComparison.Ordinal);
        }
        Assert.Contains("<code>/api/v1/pairs/{id}/out-of-sync/retry</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html);
    }
}
