using Microsoft.EntityFrameworkCore;
using Psync.Engine;
using Psync.Web.Data;

namespace Psync.Web.Pairs;

/// <summary>Checks a pair before it is stored; errors are keyed by field (camelCase, as in the API) so forms show them on the field.</summary>
public static class PairValidator
{
    public static async Task<Dictionary<string, string[]>> ValidateAsync(PairRequest request, int? editing, RootPolicy roots, PsyncDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            Add("name", "A name is required.");
        }
        else if (name.Length > 100)
        {
            Add("name", "A name has at most 100 characters.");
        }
        else if (await db.Pairs.AnyAsync(p => p.Name == name && p.Id != editing, ct))
        {
            Add("name", $"A pair named '{name}' exists.");
        }

        HostEntity? host = null;
        if (request.HostId is { } hostId)
        {
            host = await db.Hosts.FindAsync([hostId], ct);
            if (host is null)
            {
                Add("hostId", $"There is no host {hostId}.");
            }
        }
        var leftError = RootError(request.LeftRoot, local: true, roots);
        if (leftError is not null)
        {
            Add("leftRoot", leftError);
        }
        var rightError = RootError(request.RightRoot, local: request.HostId is null, roots);
        if (rightError is not null)
        {
            Add("rightRoot", rightError);
        }
        if (leftError is null && rightError is null && request.HostId is null && RootPolicy.Nested(RootPolicy.Resolve(request.LeftRoot!), RootPolicy.Resolve(request.RightRoot!)))
        {
            Add("rightRoot", "The roots must not be the same folder or lie one inside the other.");
        }
        // A root of another pair on the same machine, in either direction and on either side, names that pair.
        if (leftError is null && await RootOverlap.FindAsync(request.LeftRoot!, null, editing, db, ct) is { } leftOverlap)
        {
            Add("leftRoot", leftOverlap);
        }
        if (rightError is null && (request.HostId is null || host is not null) && await RootOverlap.FindAsync(request.RightRoot!, host, editing, db, ct) is { } rightOverlap)
        {
            Add("rightRoot", rightOverlap);
        }
        // Patterns, rsync options and the limits are the engine's rules (PairOptions.Validate), as for psync.
        foreach (var (field, messages) in PairService.ToOptionsForCheck(request).Validate())
        {
            foreach (var message in messages)
            {
                Add(ApiField(field), message);
            }
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    /// <summary>The API's name of a <see cref="PairOptions"/> property.</summary>
    private static string ApiField(string pairOption) => pairOption switch
    {
        nameof(PairOptions.DeleteHold) => "holdMilliseconds",
        nameof(PairOptions.TrashRetention) => "trashDays",
        _ => char.ToLowerInvariant(pairOption[0]) + pairOption[1..],
    };

    /// <summary>
    /// Why <paramref name="root"/> cannot be a root, or null. A local root must be an existing folder that
    /// <paramref name="roots"/> allows once resolved; a remote one gets the policy's textual checks here and
    /// the rest when the pair connects.
    /// </summary>
    public static string? RootError(string? root, bool local, RootPolicy roots)
    {
        if (string.IsNullOrWhiteSpace(root))
        {
            return "A root is required.";
        }
        if (root.Contains('\0', StringComparison.Ordinal) || root.Length > 4096)
        {
            return "A root is a path of at most 4096 bytes with no NUL.";
        }
        if (!root.StartsWith('/'))
        {
            return "A root is an absolute path (it starts with /).";
        }
        if (root.Split('/').Any(part => part == ".."))
        {
            return "A root must not contain '..'.";
        }
        if (!local)
        {
            return roots.RemoteRefusal(root);
        }
        if (roots.LocalRefusal(root) is { } refusal)
        {
            return refusal;
        }
        if (File.Exists(root))
        {
            return $"{root} is a file, not a folder.";
        }
        return Directory.Exists(root) ? null : $"{root} does not exist.";
    }
}
