using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Engine;
using Psync.Engine.Check;
using Psync.Engine.Conflicts;
using Psync.Engine.Sync;
using Psync.Protocol;
using Psync.Web.Audit;
using Psync.Web.Data;
using Psync.Web.Live;

namespace Psync.Web.Pairs;

/// <summary>Thrown for a request that cannot be carried out as asked; the message is for the user.</summary>
public sealed class PairOperationException(string message, int status = StatusCodes.Status409Conflict) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>What the API and the pages do with pairs: one implementation for both.</summary>
public sealed class PairService(IDbContextFactory<PsyncDb> dbs, PairRunners runners, HistoryWriter history, DataFolder data, RootGuard roots, IOptions<EngineOptions> engine, TimeProvider clock, AuditLog audit)
{
    public const int MaxEventPage = 1000;

    /// <summary>How many differences a verify lists.</summary>
    public const int MaxDifferences = 1000;

    public async Task<IReadOnlyList<PairResource>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pairs = await db.Pairs.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        return [.. pairs.Select(p => ToResource(p, OpenConflicts(p.Id)))];
    }

    public async Task<PairResource?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pair = await db.Pairs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        return pair is null ? null : ToResource(pair, OpenConflicts(id));
    }

    /// <returns>The new pair, or the validation errors by field.</returns>
    public async Task<(PairResource? Pair, Dictionary<string, string[]> Errors)> CreateAsync(PairRequest request, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var errors = await PairValidator.ValidateAsync(request, null, await roots.PolicyAsync(ct), db, ct);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var pair = new PairEntity { Name = "", LeftRoot = "", RightRoot = "", CreatedAt = clock.GetUtcNow() };
        Apply(request, pair);
        db.Pairs.Add(pair);
        await db.SaveChangesAsync(ct);
        await runners.ApplyAsync(pair.Id, ct);
        await audit.RecordAsync(AuditAction.PairCreated, Target(pair.Id, pair.Name), $"{pair.LeftRoot} and {(pair.HostId is { } host ? $"host {host}:" : "")}{pair.RightRoot}");
        return (ToResource(pair, 0), errors);
    }

    /// <returns>Null pair and no errors when there is no such pair.</returns>
    public async Task<(PairResource? Pair, Dictionary<string, string[]> Errors)> UpdateAsync(int id, PairRequest request, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pair = await db.Pairs.FindAsync([id], ct);
        if (pair is null)
        {
            return (null, []);
        }
        var errors = await PairValidator.ValidateAsync(request, id, await roots.PolicyAsync(ct), db, ct);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var otherTrees = pair.LeftRoot != request.LeftRoot || pair.RightRoot != request.RightRoot || pair.HostId != request.HostId;
        Apply(request, pair);
        await db.SaveChangesAsync(ct);
        await runners.ApplyAsync(id, resetState: otherTrees, ct);
        await audit.RecordAsync(AuditAction.PairEdited, Target(id, pair.Name), otherTrees ? "other trees: the state index was reset" : "");
        return (await GetAsync(id, ct), errors);
    }

    /// <summary>Stops and forgets the pair (its history, conflict list and state index); both trees stay as they are.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var name = await db.Pairs.Where(p => p.Id == id).Select(p => p.Name).SingleOrDefaultAsync(ct);
        if (await db.Pairs.Where(p => p.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return false;
        }
        await audit.RecordAsync(AuditAction.PairDeleted, Target(id, name));
        await runners.ApplyAsync(id, resetState: true, ct);
        await history.FlushAsync(ct);
        await db.Events.Where(e => e.PairId == id).ExecuteDeleteAsync(ct);
        return true;
    }

    /// <summary>Pauses the pair until resumed (kept across restarts): the engine holds the pause, its agents stay connected.</summary>
    public async Task<PairResource?> PauseAsync(int id, CancellationToken ct = default)
    {
        if (!await StorePausedAsync(id, true, ct))
        {
            return null;
        }
        runners.Get(id)?.Pair.Pause(PairRunners.PausedByAPerson);
        var paused = await GetAsync(id, ct);
        await audit.RecordAsync(AuditAction.PairPaused, Target(id, paused?.Name));
        return paused;
    }

    /// <summary>Resumes the pair (it reconciles first); <paramref name="confirmDeletes"/> lets a plan that the delete guard held go ahead. A pair that could not start is started again.</summary>
    public async Task<PairResource?> ResumeAsync(int id, bool confirmDeletes, CancellationToken ct = default)
    {
        if (!await StorePausedAsync(id, false, ct))
        {
            return null;
        }
        if (runners.Get(id) is { Failure: null } runner)
        {
            // A pair that runs unpaused has nothing to resume.
            if (runner.Pair.PausedByPerson || runner.Pair.Status.State == PairState.Paused)
            {
                if (confirmDeletes)
                {
                    runner.Pair.ConfirmDeletes();
                }
                else
                {
                    runner.Pair.Resume();
                }
            }
        }
        else
        {
            await runners.ApplyAsync(id, ct);
        }
        var resumed = await GetAsync(id, ct);
        await audit.RecordAsync(confirmDeletes ? AuditAction.DeletesConfirmed : AuditAction.PairResumed, Target(id, resumed?.Name));
        return resumed;
    }

    /// <summary>Scans both trees and merges them with the index now.</summary>
    public async Task<PairResource?> ResyncAsync(int id, CancellationToken ct = default)
    {
        var pair = await GetAsync(id, ct);
        if (pair is null)
        {
            return null;
        }
        if (runners.Get(id) is not { Failure: null, Pair.PausedByPerson: false } runner)
        {
            throw new PairOperationException("the pair is not running: resume it (it reconciles when it starts)");
        }
        runner.Pair.RequestReconcile();
        await audit.RecordAsync(AuditAction.PairResynced, Target(id, pair.Name));
        return pair;
    }

    /// <summary>The longest a flush may wait for idle, in seconds (the API's limit).</summary>
    public const int MaxFlushSeconds = 3600;

    /// <summary>
    /// Reconciles the pair now and returns it once it is idle after that (<see cref="SyncPair.FlushAsync"/>);
    /// null when there is no such pair.
    /// </summary>
    /// <exception cref="PairOperationException">409: not running, paused, outside its sync window (the reason); 503: not idle within <paramref name="timeout"/>, try again.</exception>
    public async Task<PairResource?> FlushAsync(int id, TimeSpan timeout, CancellationToken ct = default)
    {
        if (await FindAsync(id, ct) is null)
        {
            return null;
        }
        var runner = RunningOrThrow(id, "flush it");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await runner.Pair.FlushAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PairOperationException($"the pair was not idle within {timeout.TotalSeconds:0} s (it is still syncing or retrying); try again", StatusCodes.Status503ServiceUnavailable);
        }
        catch (PairNotRunningException e)
        {
            throw new PairOperationException(e.Message);
        }
        var flushed = await GetAsync(id, ct);
        await audit.RecordAsync(AuditAction.PairFlushed, Target(id, flushed?.Name));
        return flushed;
    }

    /// <summary>
    /// Compares both trees: through the running pair's agents (a remote pair too, and while paused),
    /// else, for a local pair, with agents of its own. What differs, the first <see cref="MaxDifferences"/>
    /// of it; null when there is no such pair.
    /// </summary>
    /// <exception cref="PairOperationException">A remote pair that is not running, or the comparison failed.</exception>
    public async Task<VerifyResult?> VerifyAsync(int id, CancellationToken ct = default)
    {
        if (await FindAsync(id, ct) is not { } pair)
        {
            return null;
        }
        try
        {
            CheckReport report;
            try
            {
                report = runners.Get(id) is { } runner
                    ? await runner.Pair.VerifyAsync(ct)
                    : throw new PairNotRunningException("the pair is not running");
            }
            catch (PairNotRunningException e) when (pair.HostId is not null)
            {
                throw new PairOperationException($"{e.Message}: a remote pair is verified through its connection; start or resume it first", StatusCodes.Status409Conflict);
            }
            catch (PairNotRunningException)
            {
                report = await TreeComparer.CompareAsync(pair.LeftRoot, pair.RightRoot, new CheckOptions { Excludes = pair.Excludes, Tempfiles = pair.Tempfiles, AgentPath = engine.Value.AgentPath }, ct);
            }
            return new VerifyResult(report.Identical, report.LeftCount, report.RightCount,
                [.. report.Differences.Take(MaxDifferences).Select(d => new DifferenceResource(PathCodec.Display(d.Path), d.Kind.ToString(), d.Detail))]);
        }
        catch (CheckException e)
        {
            throw new PairOperationException(e.Message);
        }
    }

    public async Task<PairEntity?> FindAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Pairs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
    }

    public IReadOnlyList<QueueItemResource> QueueOf(int id) =>
        runners.Get(id) is { } runner ? [.. runner.Pair.Queue.Select(QueueItemResource.From)] : [];

    /// <summary>History, oldest first after <paramref name="query"/>'s <c>Since</c> id, or the newest page when <c>Since</c> is null.</summary>
    public async Task<IReadOnlyList<EventResource>> EventsAsync(int pairId, EventQuery query, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var events = Filter(db, pairId, query);
        var limit = Math.Clamp(query.Limit, 1, MaxEventPage);
        if (query.Since is { } since)
        {
            return [.. (await events.Where(e => e.Id > since).OrderBy(e => e.Id).Take(limit).ToListAsync(ct)).Select(EventResource.From)];
        }
        if (query.Before is { } before)
        {
            events = events.Where(e => e.Id < before);
        }
        var page = await events.OrderByDescending(e => e.Id).Skip(Math.Max(0, query.Skip)).Take(limit).ToListAsync(ct);
        page.Reverse();
        return [.. page.Select(EventResource.From)];
    }

    public async Task<int> CountEventsAsync(int pairId, EventQuery query, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var events = Filter(db, pairId, query);
        return await events.CountAsync(ct);
    }

    /// <summary>The pair's conflicts, newest first, from its one store (the engine's conflicts.db in the pair's data folder).</summary>
    public Task<IReadOnlyList<ConflictResource>> ConflictsAsync(int pairId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ConflictResource>>([.. ConflictStore.Read(data.ForPair(pairId)).Reverse().Select(c => ConflictResource.From(pairId, c))]);

    /// <returns>The conflict after resolving, or null when there is no such conflict.</returns>
    public async Task<ConflictResource?> ResolveAsync(long conflictId, ConflictResolution resolution, CancellationToken ct = default)
    {
        var (pairId, storeId) = ConflictResource.FromApiId(conflictId);
        if (await FindAsync(pairId, ct) is null || Conflict(pairId, storeId) is not { } conflict)
        {
            return null;
        }
        if (conflict.Resolved)
        {
            return conflict;
        }
        if (runners.Get(pairId) is not { Failure: null } runner)
        {
            throw new PairOperationException("the pair is not running: resume it to resolve its conflicts");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await runner.Pair.ResolveConflictAsync(storeId, resolution, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PairOperationException("the pair did not get to the conflict within 30 s (it may be reconnecting); try again", StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new PairOperationException(e.Message);
        }
        await audit.RecordAsync(AuditAction.ConflictResolved, $"conflict {conflictId} of pair {pairId}", $"{conflict.Path}: {resolution}");
        return Conflict(pairId, storeId);
    }

    private ConflictResource? Conflict(int pairId, long storeId) =>
        ConflictStore.Read(data.ForPair(pairId)).FirstOrDefault(c => c.Id == storeId) is { } c ? ConflictResource.From(pairId, c) : null;

    /// <summary>What the side's trash holds, newest first.</summary>
    /// <exception cref="PairOperationException">The pair is not running.</exception>
    public async Task<IReadOnlyList<TrashResource>?> TrashAsync(int id, Side side, CancellationToken ct = default)
    {
        if (await FindAsync(id, ct) is null)
        {
            return null;
        }
        var runner = RunningOrThrow(id, "list its trash");
        try
        {
            return [.. (await runner.Pair.TrashAsync(side, ct)).Select(TrashResource.From)];
        }
        catch (InvalidOperationException e)
        {
            throw new PairOperationException(e.Message);
        }
    }

    /// <summary>Puts a trash entry back where it was (beside it when the path is taken); it then syncs to the other side.</summary>
    /// <exception cref="PairOperationException">The pair is not running, or the entry cannot be restored.</exception>
    public async Task<RestoreResource?> RestoreAsync(int id, Side side, string trashId, CancellationToken ct = default)
    {
        if (await FindAsync(id, ct) is null)
        {
            return null;
        }
        var runner = RunningOrThrow(id, "restore from its trash");
        try
        {
            var result = await runner.Pair.RestoreAsync(side, trashId, ct);
            await audit.RecordAsync(AuditAction.TrashRestored, Target(id, runner.Pair.Options.Name),
                $"{side.Name()}: {PathCodec.Display(result.RestoredPath)}{(result.Renamed ? $" (beside {PathCodec.Display(result.OriginalPath)})" : "")}");
            return new RestoreResource(result.Side.Name(), PathCodec.Display(result.RestoredPath), result.Renamed);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new PairOperationException(e.Message, e is ArgumentException ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict);
        }
    }

    private static string Target(int id, string? name) => $"pair {id} ({name})";

    private PairRunner RunningOrThrow(int id, string what) =>
        runners.Get(id) is { Failure: null } runner ? runner : throw new PairOperationException($"the pair is not running: resume it to {what}");

    private static IQueryable<EventEntity> Filter(PsyncDb db, int pairId, EventQuery query)
    {
        var events = db.Events.AsNoTracking().Where(e => e.PairId == pairId);
        if (!string.IsNullOrEmpty(query.Side))
        {
            events = query.Side == "none" ? events.Where(e => e.Side == null) : events.Where(e => e.Side == query.Side);
        }
        if (!string.IsNullOrEmpty(query.Kind))
        {
            events = events.Where(e => e.Kind == query.Kind);
        }
        if (!string.IsNullOrEmpty(query.Path))
        {
            events = events.Where(e => e.Path.Contains(query.Path));
        }
        return events;
    }

    /// <summary>Keeps the person's pause for the next start of the app; false when there is no such pair.</summary>
    internal async Task<bool> StorePausedAsync(int id, bool paused, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Pairs.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Paused, paused), ct) > 0;
    }

    private int OpenConflicts(int pairId) => ConflictStore.Read(data.ForPair(pairId)).Count(c => !c.Resolved);

    private PairResource ToResource(PairEntity p, int openConflicts) => new(
        p.Id, p.Name, p.LeftRoot, p.RightRoot, p.HostId, p.Excludes, p.Tempfiles, p.RsyncExtra, p.DryRun, p.Force, p.SkipInitialSync,
        p.HoldMilliseconds, p.TrashDays, p.MaxDeleteShare, p.Paused, runners.StatusOf(p, openConflicts), p.Mode.Name(), p.BandwidthLimit, p.BandwidthWindows, p.Xattrs, p.Acls, p.Durable, p.Conflicts.Name());

    private static void Apply(PairRequest r, PairEntity p)
    {
        p.Name = r.Name!.Trim();
        p.LeftRoot = r.LeftRoot!;
        p.RightRoot = r.RightRoot!;
        p.HostId = r.HostId;
        p.Excludes = [.. r.Excludes ?? []];
        p.Tempfiles = [.. r.Tempfiles ?? []];
        p.RsyncExtra = [.. r.RsyncExtra ?? []];
        p.DryRun = r.DryRun ?? false;
        p.Force = r.Force ?? false;
        p.SkipInitialSync = r.SkipInitialSync ?? false;
        var options = ToOptionsForCheck(r);
        p.HoldMilliseconds = (int)options.DeleteHold.TotalMilliseconds;
        p.TrashDays = (int)options.TrashRetention.TotalDays;
        p.MaxDeleteShare = options.MaxDeleteShare;
        p.Mode = options.Mode;
        p.Conflicts = options.Conflicts;
        p.Paused = r.Paused ?? p.Paused;
        p.BandwidthLimit = options.BandwidthLimit;
        p.BandwidthWindows = [.. options.BandwidthWindows.Select(w => w.Trim())];
        p.Xattrs = r.Xattrs ?? false;
        p.Acls = r.Acls ?? false;
        p.Durable = r.Durable ?? true;
    }

    /// <summary>The engine's options for what a request asks (the engine's defaults where it says nothing), to check them and take its values.</summary>
    internal static PairOptions ToOptionsForCheck(PairRequest r) => new()
    {
        LeftRoot = r.LeftRoot ?? "",
        RightRoot = r.RightRoot ?? "",
        DataDir = "",
        Excludes = r.Excludes ?? [],
        Tempfiles = r.Tempfiles ?? [],
        RsyncExtra = r.RsyncExtra ?? [],
        DeleteHold = r.HoldMilliseconds is { } hold ? TimeSpan.FromMilliseconds(hold) : PairOptions.DefaultDeleteHold,
        TrashRetention = r.TrashDays is { } days ? TimeSpan.FromDays(days) : PairOptions.DefaultTrashRetention,
        MaxDeleteShare = r.MaxDeleteShare ?? PairOptions.DefaultMaxDeleteShare,
        // An unknown name becomes a value no mode has, which Validate() refuses in the engine's words.
        Mode = r.Mode is null ? SyncMode.TwoWay : SyncModes.TryParse(r.Mode, out var mode) ? mode : (SyncMode)(-1),
        BandwidthLimit = r.BandwidthLimit ?? 0,
        BandwidthWindows = r.BandwidthWindows ?? [],
        Conflicts = r.Conflicts is null ? ConflictPolicy.Ask : ConflictPolicies.TryParse(r.Conflicts, out var policy) ? policy : (ConflictPolicy)(-1),
    };
}

/// <summary>A page of history: after <see cref="Since"/> (oldest first, for following), or the newest before <see cref="Before"/> after skipping <see cref="Skip"/> (pages).</summary>
public sealed record EventQuery(long? Since = null, long? Before = null, int Limit = 100, string? Side = null, string? Kind = null, string? Path = null, int Skip = 0);
