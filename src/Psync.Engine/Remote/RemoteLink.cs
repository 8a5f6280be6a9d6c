namespace Psync.Engine.Remote;

/// <summary>The connection of a remote pair to its right host, as <see cref="SyncPair.Link"/> reports it.</summary>
/// <param name="Connected">The agent on the host answers over the SSH connection now.</param>
/// <param name="Since">Since when it is connected, or since when it is not (the first failed attempt after the last connection).</param>
/// <param name="AgentVersion">The version the agent there said in its hello (of the last connection).</param>
/// <param name="Runtime">The agent build running there, e.g. <c>linux-x64</c> (of the last connection).</param>
/// <param name="RoundTrip">How long the agent took to answer the last probe (a stat of the root over the control channel); null before the first.</param>
/// <param name="BytesSent">Bytes written to the agent's control channel in this connection (requests; file data goes by rsync).</param>
/// <param name="BytesReceived">Bytes read from it in this connection (answers, scans, change reports).</param>
/// <param name="Problem">While not connected: why, in words.</param>
public sealed record RemoteLink(bool Connected, DateTimeOffset Since, string? AgentVersion, string? Runtime, TimeSpan? RoundTrip, long BytesSent, long BytesReceived, string? Problem = null);

/// <summary>Bytes through one agent channel, counted as they pass (thread-safe).</summary>
internal sealed class TrafficCounter
{
    private long _sent;
    private long _received;

    public long Sent => Interlocked.Read(ref _sent);

    public long Received => Interlocked.Read(ref _received);

    public void AddSent(int bytes) => Interlocked.Add(ref _sent, bytes);

    public void AddReceived(int bytes) => Interlocked.Add(ref _received, bytes);
}
