using Psync.Web.Hosts;

namespace Psync.Web.Tests.Api;

/// <summary>GET /hosts against a real sshd: the connection of a running remote pair, and a second entry for the same sshd.</summary>
public sealed class HostConnectionTests(RemoteAppFactory app, SshdFixture sshd) : IClassFixture<RemoteAppFactory>, IClassFixture<SshdFixture>
{
    [AgentFact]
    public async Task ListHosts_RunningRemotePair_ConnectedWithAgentRoundTripTrafficAndPair_SecondEntryForTheSameSshdTrusted()
    {
        var pair = await app.Client.CreateIdleRemotePairAsync(sshd, "linked", app.NewFolder("linked-l"), app.NewFolder("linked-r"));
        var second = await app.Client.CreateHostAsync(sshd, "same-sshd");

        HostResource? host = null;
        await Eventually.WaitAsync(async () => (host = await app.Client.GetHostAsync(pair.HostId!.Value)).Connection is { State: HostLinks.Connected, RoundTripMilliseconds: not null },
            TimeSpan.FromSeconds(20), "a connected host with a round-trip time", () => $"{host?.Connection}");

        var c = host!.Connection!;
        Assert.False(string.IsNullOrEmpty(c.AgentVersion));
        Assert.StartsWith("linux-", c.Architecture, StringComparison.Ordinal);
        Assert.True(c.BytesSent > 0 && c.BytesReceived > 0, $"{c}");
        Assert.NotNull(c.Since);
        Assert.Equal(["linked"], host.Pairs!.Select(p => p.Name));
        Assert.Equal(sshd.HostKeyFingerprint, second.PinnedFingerprint);
        var tested = await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{second.Id}/test");
        Assert.True(tested.Trusted, tested.Message);
        Assert.Equal(HostLinks.NotUsed, (await app.Client.GetHostAsync(second.Id)).Connection!.State);
    }
}
