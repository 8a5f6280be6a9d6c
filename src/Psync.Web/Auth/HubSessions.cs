using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;

namespace Psync.Web.Auth;

/// <summary>
/// The hub's open connections. A hub connection is authenticated once, when it opens: when a user's
/// sessions end (password, sign-out, role, deletion, a revoked token) their connections are closed too,
/// and a client that reconnects is checked again.
/// </summary>
public sealed class HubSessions
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();

    public void Opened(HubCallerContext connection) => _connections[connection.ConnectionId] = connection;

    public void Closed(HubCallerContext connection) => _connections.TryRemove(connection.ConnectionId, out _);

    public void EndFor(int userId)
    {
        var id = userId.ToString(CultureInfo.InvariantCulture);
        foreach (var connection in _connections.Values.Where(c => c.UserIdentifier == id))
        {
            connection.Abort();
        }
    }
}
