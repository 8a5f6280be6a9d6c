using System.Net;
using System.Net.Http.Json;
using Psync.Web.Hosts;
using Psync.Web.Pairs;
using Psync.Web.Tests.Api;

namespace Psync.Web.Tests.Alerts;

/// <summary>A right host whose sessions have the basic tools but no rsync: the agent cannot be deployed there. Its own app and sshd.</summary>
public sealed class AgentDeployFailedAlertTests(AlertAppFactory app) : IClassFixture<AlertAppFactory>, IAsyncLifetime
{
    private readonly string _bin = Directory.CreateTempSubdirectory("psync-bin-").FullName;
    private SshdFixture? _sshd;

    public async Task InitializeAsync()
    {
        foreach (var tool in new[] { "sh", "uname", "head", "mkdir", "sha256sum", "chmod", "mv", "rm", "id", "cat", "basename" })
        {
            File.CreateSymbolicLink(Path.Combine(_bin, tool), Path.Combine("/usr/bin", tool) is var p && File.Exists(p) ? p : Path.Combine("/bin", tool));
        }
        _sshd = new SshdFixture { PathOverride = _bin };
        await _sshd.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_sshd is not null)
        {
            await _sshd.DisposeAsync();
        }
        Directory.Delete(_bin, recursive: true);
    }

    [AgentFact]
    public async Task RemotePair_NoRsyncOnHost_OneAgentDeployFailedAlert()
    {
        await using var webhook = new HttpSink();
        var channel = await app.Client.CreateChannelAsync(new { name = "deploy-hook", kind = "webhook", url = webhook.Url("hook"), secret = AlertsApi.WebhookSecret });
        await app.Client.CreateRuleAsync(new { condition = "agent-deploy-failed", channelIds = new[] { channel.Id } });
        var host = await app.Client.CreateHostAsync(_sshd!, "no-rsync");
        Assert.True((await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/trust", new { fingerprint = _sshd!.HostKeyFingerprint })).Trusted);
        var right = Directory.CreateDirectory(Path.Combine(_sshd.Home, "no-rsync-right")).FullName;

        using var create = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "no-rsync", leftRoot = app.NewFolder("no-rsync-left"), rightRoot = right, hostId = host.Id });
        var pair = await create.ReadAsync<PairResource>(HttpStatusCode.Created);

        await Eventually.WaitAsync(() => AlertsApi.Webhooks(webhook, "raised", "agent-deploy-failed").Count == 1, TimeSpan.FromSeconds(60), "the agent-deploy-failed alert",
            () => $"pair: {app.Client.GetPairAsync(pair.Id).Result.Status.Reason}");
        var raised = Assert.Single(AlertsApi.Webhooks(webhook, "raised", "agent-deploy-failed"));
        Assert.Equal(pair.Id, raised.PairId);
        Assert.Contains("rsync is not installed", raised.Message, StringComparison.Ordinal);
        // Later checks find the same failure: still one alert.
        await Eventually.WaitAsync(async () => (await app.Client.DeliveriesAsync()).Any(d => d.Status == "sent"), TimeSpan.FromSeconds(10), "the delivery logged as sent");
        Assert.Single(webhook.Received);
    }
}
