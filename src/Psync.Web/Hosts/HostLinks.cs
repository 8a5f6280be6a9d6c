using Psync.Engine.Remote;
using Psync.Web.Live;

namespace Psync.Web.Hosts;

/// <summary>A pair that uses a host.</summary>
public sealed record HostPairResource(int Id, string Name);

/// <summary>How a host is connected, from the running pairs that use it (their <see cref="Engine.SyncPair.Link"/>).</summary>
/// <param name="State">connected (an agent there answers), unreachable (a pair lost its connection and cannot get it back, or could not start there), connecting (a pair is starting), or not used (no running pair uses it).</param>
/// <param name="Since">Since when it is connected (the earliest connection) or unreachable (the first failure).</param>
/// <param name="AgentVersion">The agent version there, as its hello said.</param>
/// <param name="Architecture">The agent build running there, e.g. linux-x64.</param>
/// <param name="RoundTripMilliseconds">The fastest last answer of an agent there, in milliseconds.</param>
/// <param name="BytesSent">Bytes sent to the agents there over their control channels (file data goes by rsync and counts in the pairs' totals).</param>
/// <param name="BytesReceived">Bytes received from them.</param>
/// <param name="Problem">While unreachable: why.</param>
public sealed record HostConnectionResource(string State, DateTimeOffset? Since, string? AgentVersion, string? Architecture, double? RoundTripMilliseconds, long BytesSent, long BytesReceived, string? Problem);

/// <summary>Sums up the links of the pairs that use one host.</summary>
public static class HostLinks
{
    public const string Connected = "connected", Unreachable = "unreachable", Connecting = "connecting", NotUsed = "not used";

    /// <summary>The host's connection as the running pairs among <paramref name="pairs"/> see it.</summary>
    public static HostConnectionResource Of(IEnumerable<HostPairResource> pairs, PairRunners runners)
    {
        var running = pairs.Select(p => runners.Get(p.Id)).Where(r => r is { Failure: null }).ToList();
        var links = running.Select(r => r!.Pair.Link).OfType<RemoteLink>().ToList();
        var up = links.Where(l => l.Connected).ToList();
        if (up.Count > 0)
        {
            return new HostConnectionResource(Connected, up.Min(l => l.Since), up[0].AgentVersion, up[0].Runtime,
                up.Where(l => l.RoundTrip is not null).Select(l => l.RoundTrip!.Value.TotalMilliseconds).DefaultIfEmpty().Min() is var rtt and > 0 ? rtt : null,
                up.Sum(l => l.BytesSent), up.Sum(l => l.BytesReceived), null);
        }
        if (links.Count > 0)
        {
            var first = links.MinBy(l => l.Since)!;
            return new HostConnectionResource(Unreachable, first.Since, first.AgentVersion, first.Runtime, null, links.Sum(l => l.BytesSent), links.Sum(l => l.BytesReceived), first.Problem);
        }
        if (running.Count > 0)
        {
            return new HostConnectionResource(Connecting, null, null, null, null, 0, 0, null);
        }
        // A pair that could not start for good (a changed host key, no agent for the host's CPU) says why.
        return pairs.Select(p => runners.Get(p.Id)?.Failure).FirstOrDefault(f => f is not null) is { } failure
            ? new HostConnectionResource(Unreachable, null, null, null, null, 0, 0, failure)
            : new HostConnectionResource(NotUsed, null, null, null, null, 0, 0, null);
    }
}
