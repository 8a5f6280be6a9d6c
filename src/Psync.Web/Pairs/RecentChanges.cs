using Microsoft.EntityFrameworkCore;
using Psync.Web.Data;

namespace Psync.Web.Pairs;

/// <summary>An event of any pair, with the pair's name.</summary>
public sealed record ChangeResource(string PairName, EventResource Event);

/// <summary>What happened across all pairs: their stored history, newest first.</summary>
public sealed class RecentChanges(IDbContextFactory<PsyncDb> dbs)
{
    public const int PageSize = 100;

    /// <summary>Up to <see cref="PageSize"/> events older than <paramref name="before"/> (an event id; null: the newest), of one pair and one kind when given.</summary>
    public async Task<IReadOnlyList<ChangeResource>> PageAsync(int? pairId, string? kind, long? before, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var events = db.Events.AsNoTracking();
        if (pairId is { } id)
        {
            events = events.Where(e => e.PairId == id);
        }
        if (!string.IsNullOrEmpty(kind))
        {
            events = events.Where(e => e.Kind == kind);
        }
        if (before is { } b)
        {
            events = events.Where(e => e.Id < b);
        }
        var page = await events.OrderByDescending(e => e.Id).Take(PageSize).ToListAsync(ct);
        var names = await db.Pairs.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return [.. page.Select(e => new ChangeResource(names.GetValueOrDefault(e.PairId, $"pair {e.PairId} (deleted)"), EventResource.From(e)))];
    }

    /// <summary>Every pair's id and name, for the filter.</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> PairsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return [.. (await db.Pairs.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(ct)).Select(p => (p.Id, p.Name))];
    }
}
