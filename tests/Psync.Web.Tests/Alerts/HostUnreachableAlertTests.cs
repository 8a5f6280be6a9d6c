using System.Diagnostics;
using Psync.Web.Tests.Api;
using Xunit.Abstractions;

namespace Psync.Web.Tests.Alerts;

/// <summary>A remote pair whose right host's sshd stops and comes back: its own app and sshd.</summary>
public sealed class HostUnreachableAlertTests(AlertAppFactory app, SshdFixture sshd, ITestOutputHelper output) : IClassFixture<AlertAppFactory>, IClassFixture<SshdFixture>
{
    private const double RuleMinutes = 0.05; // 3 s

    [AgentFact]
    public async Task SshdStopped_HostUnreachableRule_OneAlertWithinTheRulesTimeAndClearedWhenBack()
    {
        await using var webhook = new HttpSink();
        await using var ntfy = new HttpSink();
        await using var smtp = new SmtpSink();
        var channels = await app.Client.CreateSinkChannelsAsync("sshd", webhook, smtp, ntfy);
        var left = app.NewFolder("unreachable-left");
        var right = Directory.CreateDirectory(Path.Combine(sshd.Home, "unreachable-right")).FullName;
        var pair = await app.Client.CreateIdleRemotePairAsync(sshd, "unreachable", left, right);
        await app.Client.CreateRuleAsync(new { condition = "host-unreachable", pairId = pair.Id, minutes = RuleMinutes, channelIds = channels });

        var watch = Stopwatch.StartNew();
        await sshd.StopAsync();
        await Eventually.WaitAsync(() => AlertsApi.Webhooks(webhook, "raised", "host-unreachable").Count == 1, TimeSpan.FromSeconds(60),
            "the host-unreachable alert", () => $"pair: {app.Client.GetPairAsync(pair.Id).Result.Status.Reason}");
        var raisedAfter = watch.Elapsed;
        await Eventually.WaitAsync(() => !smtp.Received.IsEmpty && !ntfy.Received.IsEmpty, TimeSpan.FromSeconds(20), "the email and the push");

        await sshd.RestartAsync();
        var back = watch.Elapsed;
        await Eventually.WaitAsync(() => AlertsApi.Webhooks(webhook, "cleared", "host-unreachable").Count == 1 && smtp.Received.Count == 2 && ntfy.Received.Count == 2,
            TimeSpan.FromSeconds(90), "the cleared alert on all three channels", () => $"pair: {app.Client.GetPairAsync(pair.Id).Result.Status.State}");
        var clearedAfter = watch.Elapsed - back;
        output.WriteLine($"raised {raisedAfter.TotalSeconds:F1} s after sshd stopped (rule: {RuleMinutes * 60:F0} s); cleared {clearedAfter.TotalSeconds:F1} s after it was back");

        var raised = Assert.Single(AlertsApi.Webhooks(webhook, "raised", "host-unreachable"));
        Assert.Equal(pair.Id, raised.PairId);
        Assert.InRange(raisedAfter, TimeSpan.FromMinutes(RuleMinutes), TimeSpan.FromMinutes(RuleMinutes) + TimeSpan.FromSeconds(20));
        Assert.Contains("host unreachable", smtp.Received.First().Data, StringComparison.Ordinal);
        Assert.Contains("cleared", ntfy.Received.Last().Headers["Title"], StringComparison.Ordinal);
        Assert.Equal(["raised", "cleared"], webhook.Received.Select(r => AlertsApi.Verified(r).Event));
    }
}
