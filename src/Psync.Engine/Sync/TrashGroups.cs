namespace Psync.Engine.Sync;

/// <summary>
/// Trash entries that went to the trash together: one deletion. A deleted folder reaches the trash as one
/// entry per file below it (each delete has its own compare-and-swap), so a person sees it as one group to
/// expand or restore whole. <see cref="Root"/> is the folder the group lies in: for a deleted folder, the folder.
/// </summary>
/// <param name="Id">The group's id for a restore: the <see cref="TrashEntry.Id"/> of its newest entry.</param>
/// <param name="Side">The side whose trash holds it.</param>
/// <param name="Root">The topmost folder of the group's paths that holds more than one of them; for a single entry, its own path.</param>
/// <param name="Trashed">When its newest entry went to the trash.</param>
/// <param name="Entries">Its entries, by path.</param>
public sealed record TrashGroup(string Id, Side Side, string? Root, DateTimeOffset Trashed, IReadOnlyList<TrashEntry> Entries);

/// <summary>Groups a trash listing by deletion (see <see cref="TrashGroup"/>).</summary>
public static class TrashGroups
{
    /// <summary>Entries trashed at most this long after the one before are one batch (one plan's deletes take well under it).</summary>
    public static readonly TimeSpan BatchGap = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The groups of <paramref name="entries"/>, newest first: entries form a batch while each went to the
    /// trash within <see cref="BatchGap"/> of the one before; within a batch, the entries below one folder
    /// that holds several of them are a group (a deleted folder), and every other entry is a group of its own.
    /// Entries with no recorded path are groups of their own.
    /// </summary>
    public static IReadOnlyList<TrashGroup> Group(IEnumerable<TrashEntry> entries)
    {
        var groups = new List<TrashGroup>();
        var batch = new List<TrashEntry>();
        foreach (var entry in entries.OrderBy(e => e.Trashed).ThenBy(e => e.Id, StringComparer.Ordinal))
        {
            if (batch.Count > 0 && entry.Trashed - batch[^1].Trashed > BatchGap)
            {
                groups.AddRange(GroupBatch(batch));
                batch.Clear();
            }
            batch.Add(entry);
        }
        groups.AddRange(GroupBatch(batch));
        return [.. groups.OrderByDescending(g => g.Trashed).ThenBy(g => g.Root, StringComparer.Ordinal)];
    }

    private static IEnumerable<TrashGroup> GroupBatch(List<TrashEntry> batch)
    {
        // How many entries of the batch lie below each folder.
        var below = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in batch.Where(e => e.OriginalPath is not null))
        {
            foreach (var folder in Folders(entry.OriginalPath!))
            {
                below[folder] = below.GetValueOrDefault(folder) + 1;
            }
        }
        return batch
            .GroupBy(e => e.OriginalPath is { } path ? Folders(path).FirstOrDefault(f => below[f] > 1) ?? path : "\0" + e.Id, StringComparer.Ordinal)
            .Select(g =>
            {
                var newest = g.OrderByDescending(e => e.Trashed).ThenByDescending(e => e.Id, StringComparer.Ordinal).First();
                var root = g.Key.StartsWith('\0') ? null : g.Key;
                return new TrashGroup(newest.Id, newest.Side, root, newest.Trashed, [.. g.OrderBy(e => e.OriginalPath, StringComparer.Ordinal)]);
            });
    }

    /// <summary>The folders that hold <paramref name="path"/>, outermost first (the root itself not counted).</summary>
    private static IEnumerable<string> Folders(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }
}
