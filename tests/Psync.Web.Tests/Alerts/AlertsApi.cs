using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Psync.Web.Alerts;
using Psync.Web.Tests.Api;

namespace Psync.Web.Tests.Alerts;

/// <summary>Alert channels and rules through the REST API, and the sinks that receive what they send.</summary>
internal static class AlertsApi
{
    public const string WebhookSecret = "webhook-secret-1";
    public const string SmtpPassword = "smtp-password-1";

    public static async Task<ChannelResource> CreateChannelAsync(this HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/alerts/channels", request);
        return await response.ReadAsync<ChannelResource>(HttpStatusCode.Created);
    }

    public static async Task<RuleResource> CreateRuleAsync(this HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/alerts/rules", request);
        return await response.ReadAsync<RuleResource>(HttpStatusCode.Created);
    }

    /// <summary>A webhook, an email and an ntfy channel pointing at the three sinks; their ids.</summary>
    public static async Task<int[]> CreateSinkChannelsAsync(this HttpClient client, string name, HttpSink webhook, SmtpSink smtp, HttpSink ntfy) =>
    [
        (await client.CreateChannelAsync(new { name = $"{name}-webhook", kind = "webhook", url = webhook.Url("hook"), secret = WebhookSecret })).Id,
        (await client.CreateChannelAsync(new
        {
            name = $"{name}-email", kind = "email", smtpHost = "127.0.0.1", smtpPort = smtp.Port, smtpSecurity = "none",
            smtpUser = "alerts", secret = SmtpPassword, from = "psync@example.org", to = new[] { "ops@example.org" },
        })).Id,
        (await client.CreateChannelAsync(new { name = $"{name}-ntfy", kind = "ntfy", url = ntfy.Url("psync-topic") })).Id,
    ];

    public static async Task<IReadOnlyList<DeliveryResource>> DeliveriesAsync(this HttpClient client)
    {
        using var response = await client.GetAsync("/api/v1/alerts/deliveries?limit=500");
        return await response.ReadAsync<IReadOnlyList<DeliveryResource>>(HttpStatusCode.OK);
    }

    /// <summary>The webhook bodies the sink received whose signature is right (asserted) and whose event and condition match.</summary>
    public static List<AlertPayload> Webhooks(HttpSink sink, string evt, string condition) =>
        [.. sink.Received.Select(Verified).Where(p => p.Event == evt && p.Condition == condition)];

    public static AlertPayload Verified(ReceivedRequest request)
    {
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookSecret), Encoding.UTF8.GetBytes(request.Body)));
        Assert.Equal(expected, request.Headers["X-Psync-Signature"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        return JsonSerializer.Deserialize<AlertPayload>(request.Body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }
}
