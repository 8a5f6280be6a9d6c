using Psync.Engine.Sync;
using Psync.Protocol;
using Psync.Web.Audit;
using Psync.Web.Live;

namespace Psync.Web.Pairs;

/// <param name="Lost">The side on which the path is gone ("left" or "right"); the held delete would remove it on the other side.</param>
/// <param name="Path">The relative path.</param>
/// <param name="Kind">What the other side still has there: file, directory or symlink.</param>
public sealed record HeldDeleteResource(string Lost, string Path, string Kind);

/// <param name="Id">Pass it to <c>POST /pairs/{id}/trash/groups/restore</c> to restore the whole group.</param>
/// <param name="Side">The side whose trash holds it.</param>
/// <param name="Root">The folder the group is (a deleted folder), or the one entry's path; null when the trash log has no path for it.</param>
/// <param name="Trashed">When its newest entry went to the trash.</param>
/// <param name="Count">How many entries it has.</param>
/// <param name="Entries">Its entries, by path.</param>
public sealed record TrashGroupResource(string Id, string Side, string? Root, DateTimeOffset Trashed, int Count, IReadOnlyList<TrashResource> Entries);

/// <param name="Side">left or right.</param>
/// <param name="Id">A group's id (from <c>GET /pairs/{id}/trash/groups</c>), for a group restore.</param>
/// <param name="Ids">Trash entry ids (from <c>GET /pairs/{id}/trash</c>), for a restore of a selection.</param>
public sealed record RestoreManyRequest(string? Side, string? Id = null, IReadOnlyList<string>? Ids = null);

/// <param name="Restored">What was put back, one per entry.</param>
/// <param name="Failed">Entries that could not be restored, with why.</param>
public sealed record RestoreManyResource(IReadOnlyList<RestoreResource> Restored, IReadOnlyList<string> Failed);

/// <summary>A pair's safety nets beyond one entry at a time: what the delete guard holds and undoing it, and the trash grouped by deletion.</summary>
public sealed class PairSafety(PairService pairs, PairRunners runners, AuditLog audit)
{
    /// <summary>The most entries one restore request takes.</summary>
    public const int MaxRestore = 10_000;

    /// <summary>What the delete guard holds now (empty when it holds nothing); null when there is no such pair.</summary>
    public async Task<IReadOnlyList<HeldDeleteResource>?> HeldDeletesAsync(int id, CancellationToken ct = default)
    {
        if (await pairs.FindAsync(id, ct) is null)
        {
            return null;
        }
        return runners.Get(id) is { } runner
            ? [.. runner.Pair.HeldDeletes.Select(h => new HeldDeleteResource(h.Lost.Name(), PathCodec.Display(h.Path), h.Kind.ToString().ToLowerInvariant()))]
            : [];
    }

    /// <summary>Undoes what the delete guard holds: each held path is copied back from the side that still has it; the pair goes on.</summary>
    /// <exception cref="PairOperationException">The pair is not running, or the guard holds nothing.</exception>
    public async Task<PairResource?> RestoreHeldAsync(int id, CancellationToken ct = default)
    {
        if (await pairs.FindAsync(id, ct) is not { } pair)
        {
            return null;
        }
        var runner = runners.Get(id) is { Failure: null } running ? running : throw new PairOperationException("the pair is not running: resume it first");
        var held = runner.Pair.HeldDeletes.Count;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await runner.Pair.RestoreHeldDeletesAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PairOperationException("the pair did not take the request within 30 s (it may be reconnecting); try again", StatusCodes.Status503ServiceUnavailable);
        }
        catch (InvalidOperationException e)
        {
            throw new PairOperationException(e.Message);
        }
        // The person's pause, if the pair had one stored, ends with the guard's: the pair runs again.
        await pairs.StorePausedAsync(id, false, ct);
        await audit.RecordAsync(AuditAction.HeldDeletesRestored, $"pair {id} ({pair.Name})", $"{held} held deletes copied back from the other side");
        return await pairs.GetAsync(id, ct);
    }

    /// <summary>The side's trash grouped by deletion, newest first; <paramref name="search"/> keeps the groups with an entry whose path contains it (case-insensitive).</summary>
    /// <exception cref="PairOperationException">The pair is not running.</exception>
    public async Task<IReadOnlyList<TrashGroupResource>?> TrashGroupsAsync(int id, Side side, string? search, CancellationToken ct = default)
    {
        if (await pairs.FindAsync(id, ct) is null)
        {
            return null;
        }
        var entries = await EntriesAsync(id, side, ct);
        var groups = TrashGroups.Group(entries);
        return [.. groups
            .Where(g => string.IsNullOrWhiteSpace(search) || g.Entries.Any(e => e.OriginalPath is { } p && PathCodec.Display(p).Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)))
            .Select(g => new TrashGroupResource(g.Id, side.Name(), g.Root is null ? null : PathCodec.Display(g.Root), g.Trashed, g.Entries.Count, [.. g.Entries.Select(TrashResource.From)]))];
    }

    /// <summary>Restores every entry of the group <paramref name="groupId"/> (as <see cref="TrashGroupsAsync"/> lists it now); null when there is no such pair.</summary>
    /// <exception cref="PairOperationException">404 when there is no such group, or the pair is not running.</exception>
    public async Task<RestoreManyResource?> RestoreGroupAsync(int id, Side side, string groupId, CancellationToken ct = default)
    {
        if (await TrashGroupsAsync(id, side, null, ct) is not { } groups)
        {
            return null;
        }
        var group = groups.FirstOrDefault(g => g.Id == groupId)
            ?? throw new PairOperationException($"the {side.Name()} trash has no group {groupId} (it may have been restored or purged): list the groups again", StatusCodes.Status404NotFound);
        return await RestoreManyAsync(id, side, [.. group.Entries.Select(e => e.Id)], ct);
    }

    /// <summary>Restores the entries <paramref name="ids"/> one after the other (each as <see cref="PairService.RestoreAsync"/>); null when there is no such pair.</summary>
    /// <exception cref="PairOperationException">The pair is not running.</exception>
    public async Task<RestoreManyResource?> RestoreManyAsync(int id, Side side, IReadOnlyList<string> ids, CancellationToken ct = default)
    {
        var restored = new List<RestoreResource>();
        var failed = new List<string>();
        foreach (var trashId in ids.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if (await pairs.RestoreAsync(id, side, trashId, ct) is not { } result)
                {
                    return null;
                }
                restored.Add(result);
            }
            catch (PairOperationException e) when (runners.Get(id) is { Failure: null })
            {
                // One entry that cannot be restored (gone meanwhile) does not stop the others.
                failed.Add($"{trashId}: {e.Message}");
            }
        }
        return new RestoreManyResource(restored, failed);
    }

    private async Task<IReadOnlyList<TrashEntry>> EntriesAsync(int id, Side side, CancellationToken ct)
    {
        var runner = runners.Get(id) is { Failure: null } running ? running : throw new PairOperationException("the pair is not running: resume it to list its trash");
        try
        {
            return await runner.Pair.TrashAsync(side, ct);
        }
        catch (InvalidOperationException e)
        {
            throw new PairOperationException(e.Message);
        }
    }
}
