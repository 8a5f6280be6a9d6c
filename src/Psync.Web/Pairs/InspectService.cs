using Microsoft.EntityFrameworkCore;
using Psync.Engine;
using Psync.Engine.Agents;
using Psync.Engine.Sync;
using Psync.Protocol;
using Psync.Web.Audit;
using Psync.Web.Data;
using Psync.Web.Live;

namespace Psync.Web.Pairs;

/// <summary>The operator's view of one pair's paths: what is out of sync and why, a retry, the path inspector and the tree browser.</summary>
public sealed class InspectService(IDbContextFactory<PsyncDb> dbs, PairRunners runners, AuditLog audit)
{
    /// <summary>How many of a path's latest events the inspector shows.</summary>
    public const int EventsShown = 20;

    /// <summary>The pair's out-of-sync paths in path order; null when there is no such pair (none listed while it does not run).</summary>
    public async Task<IReadOnlyList<OutOfSyncResource>?> OutOfSyncAsync(int id, CancellationToken ct = default) =>
        !await ExistsAsync(id, ct) ? null
            : runners.Get(id) is { } runner ? [.. runner.Pair.OutOfSync.Select(OutOfSyncResource.From)] : [];

    /// <summary>Tries <paramref name="shownPath"/> (printable form; null: every out-of-sync path) again now; recorded in the audit log.</summary>
    /// <exception cref="PairOperationException">The path is malformed (400) or the pair is not running (409).</exception>
    public async Task<RetryResource?> RetryAsync(int id, string? shownPath, CancellationToken ct = default)
    {
        if (!await ExistsAsync(id, ct))
        {
            return null;
        }
        var path = shownPath is null ? null : Parse(shownPath, rootAllowed: false);
        var runner = Running(id, "retry its paths");
        var listed = runner.Pair.OutOfSync.Count(i => path is null || i.Path == path);
        try
        {
            await runner.Pair.RetryOutOfSyncAsync(path, ct);
        }
        catch (PairNotRunningException e)
        {
            throw new PairOperationException(e.Message);
        }
        await audit.RecordAsync(AuditAction.OutOfSyncRetried, $"pair {id} ({runner.Pair.Options.Name})", path is null ? $"every out-of-sync path ({listed})" : PathCodec.Display(path));
        return new RetryResource(listed);
    }

    /// <summary>Both sides' state of the path, its index row, the pattern that leaves it out, and its latest events.</summary>
    /// <exception cref="PairOperationException">The path is malformed or outside the roots (400), the pair has no engine (409), an agent failed (409).</exception>
    public async Task<InspectResource?> InspectAsync(int id, string shownPath, CancellationToken ct = default)
    {
        if (!await ExistsAsync(id, ct))
        {
            return null;
        }
        var path = Parse(shownPath, rootAllowed: false);
        var runner = runners.Get(id) ?? throw new PairOperationException("the pair has no engine running: resume it to inspect its paths");
        PathInspection i;
        try
        {
            i = await runner.Pair.InspectAsync(path, ct);
        }
        catch (AgentException e)
        {
            throw new PairOperationException($"an agent could not read the path: {e.Message}");
        }
        var shown = PathCodec.Display(path);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var events = await db.Events.AsNoTracking().Where(e => e.PairId == id && e.Path == shown).OrderByDescending(e => e.Id).Take(EventsShown).ToListAsync(ct);
        return new InspectResource(shown, i.Running, i.Left is { } l ? PathStateResource.From(l) : null, i.Right is { } r ? PathStateResource.From(r) : null,
            i.LeftError, i.RightError, i.Index is { } row ? IndexRowResource.From(row) : null, i.Filter is { } f ? FilterResource.From(f) : null,
            i.OwnArea, [.. i.OutOfSync.Select(OutOfSyncResource.From)], [.. events.Select(EventResource.From)]);
    }

    /// <summary>The children of a directory ("" for the root) on both sides.</summary>
    /// <exception cref="PairOperationException">The path is malformed or outside the roots (400), the pair is not running (409), an agent failed (409).</exception>
    public async Task<BrowseResource?> BrowseAsync(int id, string? shownPath, CancellationToken ct = default)
    {
        if (!await ExistsAsync(id, ct))
        {
            return null;
        }
        var path = Parse(shownPath ?? "", rootAllowed: true);
        var runner = Running(id, "browse its trees");
        try
        {
            var listing = await runner.Pair.BrowseAsync(path, ct);
            return new BrowseResource(PathCodec.Display(listing.Path), [.. listing.Entries.Select(BrowseEntryResource.From)], listing.Truncated);
        }
        catch (PairNotRunningException e)
        {
            throw new PairOperationException(e.Message);
        }
        catch (AgentException e)
        {
            throw new PairOperationException($"an agent could not list the directory: {e.Message}");
        }
    }

    /// <summary>The raw path of a printable one, or a 400 saying what is wrong with it.</summary>
    private static string Parse(string shown, bool rootAllowed)
    {
        var path = PathCodec.ParseDisplay(shown) ?? throw new PairOperationException("the path has a malformed escape (\\xNN, \\n and \\\\ are known)", StatusCodes.Status400BadRequest);
        return SyncPair.PathProblem(path, rootAllowed) is { } problem ? throw new PairOperationException(problem, StatusCodes.Status400BadRequest) : path;
    }

    private PairRunner Running(int id, string what) =>
        runners.Get(id) is { Failure: null } runner ? runner : throw new PairOperationException($"the pair is not running: resume it to {what}");

    private async Task<bool> ExistsAsync(int id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Pairs.AnyAsync(p => p.Id == id, ct);
    }
}
