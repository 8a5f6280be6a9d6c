using Microsoft.EntityFrameworkCore;
using Psync.Engine;
using Psync.Web.Data;

namespace Psync.Web.Pairs;

/// <summary>
/// Roots of different pairs never overlap on one machine (DESIGN "Transport"): otherwise the outer pair
/// syncs the inner pair's tree and its <c>.psync/</c> folder as its own files. A root on this appliance
/// (every left root, and the right root of a local pair) is compared resolved, symlinks included; a root
/// on a right host is compared as written with the other right roots on the same sshd (address and port,
/// whichever host entry names it).
/// </summary>
public static class RootOverlap
{
    /// <summary>A root of another pair that <paramref name="root"/> is, holds or lies inside, in words naming that pair; null when none.</summary>
    /// <param name="root">The root asked for (already checked by <see cref="PairValidator.RootError"/>).</param>
    /// <param name="host">The host it is on; null for this appliance.</param>
    /// <param name="editing">The pair being edited, whose own roots do not count.</param>
    /// <param name="db">The configuration, with the other pairs and their hosts.</param>
    /// <param name="ct">Cancels the queries.</param>
    public static async Task<string?> FindAsync(string root, HostEntity? host, int? editing, PsyncDb db, CancellationToken ct)
    {
        var others = await db.Pairs.AsNoTracking().Where(p => p.Id != editing).Select(p => new { p.Name, p.LeftRoot, p.RightRoot, p.HostId }).ToListAsync(ct);
        var hosts = await db.Hosts.AsNoTracking().ToDictionaryAsync(h => h.Id, ct);
        var mine = Key(root, host);
        foreach (var other in others.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var rightHost = other.HostId is { } id && hosts.TryGetValue(id, out var h) ? h : null;
            if (other.HostId is not null && rightHost is null)
            {
                continue; // a host that is gone: the pair cannot run, and its root cannot be told
            }
            foreach (var (side, otherRoot, otherHost) in new[] { ("left", other.LeftRoot, (HostEntity?)null), ("right", other.RightRoot, rightHost) })
            {
                var theirs = Key(otherRoot, otherHost);
                if (mine.Machine == theirs.Machine && RootPolicy.Nested(mine.Path, theirs.Path))
                {
                    var how = mine.Path == theirs.Path ? "is" : mine.Path.Length < theirs.Path.Length ? "holds" : "lies inside";
                    return $"{root} {how} the {side} root {otherRoot}{(otherHost is null ? "" : $" on {otherHost.Address}")} of the pair '{other.Name}': the roots of two pairs must not be the same folder or lie one inside the other.";
                }
            }
        }
        return null;
    }

    /// <summary>Where a root is (this appliance, or an sshd) and its path there, comparable with <see cref="RootPolicy.Nested"/>.</summary>
    private static (string Machine, string Path) Key(string root, HostEntity? host)
    {
        if (host is null)
        {
            string real;
            try
            {
                real = RootPolicy.Resolve(root);
            }
            catch (IOException)
            {
                real = root; // a link loop: the root check refuses it already
            }
            return ("", Trim(real));
        }
        // A relative remote root lies below the login's home there, which differs by user.
        var path = root.StartsWith('/') ? root : $"/~{host.User}/{root}";
        return ($"{host.Address.Trim().ToLowerInvariant()}:{host.Port}", Trim(path.Replace("/./", "/", StringComparison.Ordinal)));
    }

    private static string Trim(string path)
    {
        while (path.Contains("//", StringComparison.Ordinal))
        {
            path = path.Replace("//", "/", StringComparison.Ordinal);
        }
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }
}
