using System.Net;
using System.Net.Http.Json;
using Psync.Web.Alerts;
using Psync.Web.Tests.Api;

namespace Psync.Web.Tests.Alerts;

public sealed class AlertApiTests(AlertAppFactory app) : IClassFixture<AlertAppFactory>
{
    private HttpClient Client => app.Client;

    [Fact]
    public async Task TestChannel_EachKind_ArrivesAtItsReceiver()
    {
        await using var webhook = new HttpSink();
        await using var ntfy = new HttpSink();
        await using var smtp = new SmtpSink();
        var ids = await Client.CreateSinkChannelsAsync("test", webhook, smtp, ntfy);

        var results = new List<DeliveryResource>();
        foreach (var id in ids)
        {
            results.Add(await Client.PostOkAsync<DeliveryResource>($"/api/v1/alerts/channels/{id}/test"));
        }

        Assert.All(results, r => Assert.Equal(("sent", 1, null, "test"), (r.Status, r.Attempts, r.LastError, r.Event)));
        var hook = AlertsApi.Verified(Assert.Single(webhook.Received));
        Assert.Equal(("test", "Psync: test alert"), (hook.Event, hook.Title));
        var mail = Assert.Single(smtp.Received);
        Assert.Equal(("psync@example.org", "ops@example.org"), (mail.From, Assert.Single(mail.To)));
        Assert.Contains("Subject: Psync: test alert", mail.Data, StringComparison.Ordinal);
        Assert.Equal($"\0alerts\0{AlertsApi.SmtpPassword}", mail.AuthPlain);
        var push = Assert.Single(ntfy.Received);
        Assert.Equal(("/psync-topic", "Psync: test alert", "default"), (push.Path, push.Headers["Title"], push.Headers["Priority"]));
        Assert.Contains("A test of the alert channel 'test-ntfy'", push.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestChannel_NothingListening_FailedWithTheReason()
    {
        var channel = await Client.CreateChannelAsync(new { name = "dead", kind = "webhook", url = $"http://127.0.0.1:{Psync.Tests.SshdFixture.FreePort()}/" });

        var result = await Client.PostOkAsync<DeliveryResource>($"/api/v1/alerts/channels/{channel.Id}/test");

        Assert.Equal("failed", result.Status);
        Assert.False(string.IsNullOrEmpty(result.LastError));
        Assert.Contains(await Client.DeliveriesAsync(), d => d.Id == result.Id && d.Status == "failed");
    }

    [Fact]
    public async Task CreateChannel_Secrets_NeverShownAndStoredEncrypted()
    {
        await using var smtp = new SmtpSink();
        var channel = await Client.CreateChannelAsync(new
        {
            name = "secretive", kind = "email", smtpHost = "127.0.0.1", smtpPort = smtp.Port, smtpUser = "u", secret = "very-secret-smtp-pw",
            from = "a@example.org", to = new[] { "b@example.org" },
        });

        Assert.True(channel.HasSecret);
        Assert.Equal("starttls", channel.SmtpSecurity);
        Assert.DoesNotContain("very-secret-smtp-pw", await Client.GetStringAsync("/api/v1/alerts/channels"), StringComparison.Ordinal);
        Assert.DoesNotContain(await Database.CellsAsync(app.Database, "AlertChannels"), c => c.Value.Contains("very-secret-smtp-pw", StringComparison.Ordinal));
        Assert.DoesNotContain("very-secret-smtp-pw", Database.FilesText(app.Database), StringComparison.Ordinal);

        using var kept = await Client.PutAsJsonAsync($"/api/v1/alerts/channels/{channel.Id}", new
        {
            name = "secretive", kind = "email", smtpHost = "127.0.0.1", smtpPort = smtp.Port, smtpSecurity = "none", smtpUser = "u",
            from = "a@example.org", to = new[] { "b@example.org" },
        });
        Assert.True((await kept.ReadAsync<ChannelResource>(HttpStatusCode.OK)).HasSecret);
        await Client.PostOkAsync<DeliveryResource>($"/api/v1/alerts/channels/{channel.Id}/test");
        Assert.Equal("\0u\0very-secret-smtp-pw", Assert.Single(smtp.Received).AuthPlain);
    }

    public static readonly TheoryData<string, string> BadChannels = new()
    {
        { """{"name":"","kind":"webhook","url":"http://x/"}""", "name" },
        { """{"name":"k","kind":"pigeon"}""", "kind" },
        { """{"name":"u","kind":"webhook","url":"ftp://x/"}""", "url" },
        { """{"name":"n","kind":"ntfy"}""", "url" },
        { """{"name":"e","kind":"email","smtpPort":0,"from":"nobody","to":[]}""", "smtpHost" },
        { """{"name":"e","kind":"email","smtpHost":"h","smtpPort":70000,"from":"a@b.c","to":["x@y.z"]}""", "smtpPort" },
        { """{"name":"e","kind":"email","smtpHost":"h","smtpSecurity":"ssl3","from":"a@b.c","to":["x@y.z"]}""", "smtpSecurity" },
        { """{"name":"e","kind":"email","smtpHost":"h","from":"nobody","to":["x@y.z"]}""", "from" },
        { """{"name":"e","kind":"email","smtpHost":"h","from":"a@b.c","to":[]}""", "to" },
    };

    [Theory]
    [MemberData(nameof(BadChannels))]
    public async Task CreateChannel_Invalid_400NamesTheField(string body, string field)
    {
        using var response = await Client.PostAsync("/api/v1/alerts/channels", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await Problem.AssertValidationAsync(response, field);
    }

    public static readonly TheoryData<string, string> BadRules = new()
    {
        { """{"condition":"sunspots"}""", "condition" },
        { """{"condition":"pair-error","pairId":999}""", "pairId" },
        { """{"condition":"pair-error","minutes":-1}""", "minutes" },
        { """{"condition":"pair-error","minutes":100000}""", "minutes" },
        { """{"condition":"pair-error","channelIds":[999]}""", "channelIds" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public async Task CreateRule_Invalid_400NamesTheField(string body, string field)
    {
        using var response = await Client.PostAsync("/api/v1/alerts/rules", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await Problem.AssertValidationAsync(response, field);
        if (field == "condition")
        {
            Assert.Contains("host-unreachable", problem.Errors["condition"][0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rules_CreateUpdateDelete_RoundTrip()
    {
        var rule = await Client.CreateRuleAsync(new { condition = "out-of-sync", minutes = 15 });
        Assert.Equal(("out-of-sync", null, 15.0, true), (rule.Condition, rule.PairId, rule.Minutes, rule.Enabled));

        using var put = await Client.PutAsJsonAsync($"/api/v1/alerts/rules/{rule.Id}", new { condition = "disk-full", enabled = false });
        var changed = await put.ReadAsync<RuleResource>(HttpStatusCode.OK);
        Assert.Equal(("disk-full", 0.0, false), (changed.Condition, changed.Minutes, changed.Enabled));

        using var delete = await Client.DeleteAsync($"/api/v1/alerts/rules/{rule.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await Client.GetAsync($"/api/v1/alerts/rules/{rule.Id}");
        await Problem.AssertAsync(gone, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Conflict_RuleOnConflicts_OneAlertOnEveryChannelThenClearedWhenResolved()
    {
        await using var webhook = new HttpSink();
        await using var ntfy = new HttpSink();
        await using var smtp = new SmtpSink();
        // The first delivery attempt of each webhook fails: it is retried.
        webhook.FailFirst = 1;
        var channels = await Client.CreateSinkChannelsAsync("conflict", webhook, smtp, ntfy);
        var left = app.NewFolder("conflict-left");
        var right = app.NewFolder("conflict-right");
        await File.WriteAllTextAsync(Path.Combine(left, "f.txt"), "left version");
        await File.WriteAllTextAsync(Path.Combine(right, "f.txt"), "right version, longer");
        var pair = await Client.CreatePairAsync("conflicted", left, right);
        await Client.CreateRuleAsync(new { condition = "conflicts", pairId = pair.Id, channelIds = channels });

        await Eventually.WaitAsync(() => AlertsApi.Webhooks(webhook, "raised", "conflicts").Count == 1 && !smtp.Received.IsEmpty && !ntfy.Received.IsEmpty,
            TimeSpan.FromSeconds(20), "the conflict alert on all three channels");
        var raised = Assert.Single(AlertsApi.Webhooks(webhook, "raised", "conflicts"));
        Assert.Equal((pair.Id, "conflicted"), (raised.PairId, raised.Pair));
        Assert.Contains("1 open conflict", raised.Message, StringComparison.Ordinal);
        Assert.Equal("high", Assert.Single(ntfy.Received).Headers["Priority"]);
        // The sink has the body a moment before the delivery log has the answer.
        var hookDelivery = await Eventually.ValueAsync(async () => (await Client.DeliveriesAsync()).SingleOrDefault(d => d.ChannelId == channels[0] && d.Event == "raised" && d.Status != "pending"),
            TimeSpan.FromSeconds(10), "the webhook delivery's outcome");
        Assert.Equal(("sent", 2, null), (hookDelivery.Status, hookDelivery.Attempts, hookDelivery.LastError));

        var conflict = (await Client.GetFromJsonAsync<IReadOnlyList<Psync.Web.Pairs.ConflictResource>>($"/api/v1/pairs/{pair.Id}/conflicts"))!.Single();
        using var resolve = await Client.PostAsJsonAsync($"/api/v1/conflicts/{conflict.Id}/resolve", new { resolution = "keepBoth" });
        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);

        await Eventually.WaitAsync(() => AlertsApi.Webhooks(webhook, "cleared", "conflicts").Count == 1 && smtp.Received.Count == 2 && ntfy.Received.Count == 2,
            TimeSpan.FromSeconds(20), "the cleared alert on all three channels");
        Assert.Single(AlertsApi.Webhooks(webhook, "raised", "conflicts"));
        Assert.Contains("cleared", smtp.Received.Last().Data, StringComparison.Ordinal);
    }
}
