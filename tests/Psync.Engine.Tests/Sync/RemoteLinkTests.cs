namespace Psync.Engine.Tests.Sync;

/// <summary><see cref="SyncPair.Link"/>: what the hosts page shows of a remote pair's connection, over a real sshd on loopback (one of its own: the test stops it).</summary>
public sealed class RemoteLinkTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    [Fact]
    public async Task Link_RunningRemotePair_ConnectedWithVersionRoundTripAndTraffic_DownSoonAfterSshdStops()
    {
        await using var pair = PairHarness.CreateRemote(sshd);
        await pair.StartAsync();

        await PairHarness.WaitUntilAsync(() => pair.Pair.Link is { Connected: true, RoundTrip: not null }, TimeSpan.FromSeconds(15), "a round-trip time", () => $"{pair.Pair.Link}");
        var link = pair.Pair.Link!;
        Assert.False(string.IsNullOrEmpty(link.AgentVersion));
        Assert.StartsWith("linux-", link.Runtime, StringComparison.Ordinal);
        Assert.True(link.BytesSent > 0 && link.BytesReceived > 0, $"{link}");
        Assert.Null(link.Problem);

        await sshd.StopAsync();
        var stopped = DateTimeOffset.UtcNow;

        await PairHarness.WaitUntilAsync(() => pair.Pair.Link is { Connected: false }, TimeSpan.FromSeconds(30), "the link down", () => $"{pair.Pair.Link}");
        var down = pair.Pair.Link!;
        Assert.True(down.Since >= stopped.AddSeconds(-1), $"{down.Since} vs {stopped}");
        Assert.False(string.IsNullOrEmpty(down.Problem));
        Assert.Equal(link.AgentVersion, down.AgentVersion);
    }

    [Fact]
    public async Task Link_LocalPair_Null()
    {
        await using var pair = PairHarness.Create();
        await pair.StartAsync();

        Assert.Null(pair.Pair.Link);
    }
}
