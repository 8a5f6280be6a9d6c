using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Engine.Conflicts;
using Psync.Engine.Sync;
using Psync.Web.Data;
using Psync.Web.Live;

namespace Psync.Web.Alerts;

/// <summary>
/// The one place alerts come from: every <see cref="AlertOptions.EvaluateInterval"/> it takes the engine's status of each
/// pair (and the disk-full errors its history reported meanwhile), checks the rules, and hands what to send to the dispatcher.
/// </summary>
public sealed class AlertMonitor(
    IDbContextFactory<PsyncDb> dbs,
    PairRunners runners,
    DataFolder data,
    LiveUpdates live,
    AlertDispatcher dispatcher,
    IOptions<AlertOptions> options,
    TimeProvider clock,
    ILogger<AlertMonitor> log) : BackgroundService
{
    private readonly AlertEvaluator _evaluator = new(clock);
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<int, string> _noSpace = new();
    private long _lastPurge;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = live.Subscribe(OnLiveAsync);
        using var timer = new PeriodicTimer(options.Value.EvaluateInterval, clock);
        _lastPurge = clock.GetTimestamp(); // the dispatcher purged the delivery log at its start
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await EvaluateAsync(stoppingToken);
                    if (clock.GetElapsedTime(_lastPurge) > PurgeEvery)
                    {
                        _lastPurge = clock.GetTimestamp();
                        await dispatcher.PurgeAsync(stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Evaluating the alert rules failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task EvaluateAsync(CancellationToken ct)
    {
        List<AlertRuleEntity> rules;
        List<PairEntity> pairs;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            rules = await db.AlertRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(ct);
            pairs = await db.Pairs.AsNoTracking().ToListAsync(ct);
        }
        var snapshots = pairs.Select(Snapshot).ToList();
        await dispatcher.EnqueueAsync(_evaluator.Evaluate(rules, snapshots), ct);
        foreach (var pair in snapshots.Where(p => p.State == PairState.Idle && p.NoSpace is not null))
        {
            // Idle again after the error: what did not fit has been written since.
            _noSpace.TryRemove(pair.PairId, out _);
        }
    }

    private PairSnapshot Snapshot(PairEntity pair)
    {
        var noSpace = _noSpace.GetValueOrDefault(pair.Id);
        if (runners.Get(pair.Id) is not { } runner)
        {
            var status = runners.StatusOf(pair, 0);
            var failure = status.State == "error" ? status.Reason ?? "cannot start" : null;
            var state = pair.Paused ? PairState.Paused : failure is null ? PairState.Stopped : PairState.Error;
            return new PairSnapshot(pair.Id, pair.Name, pair.HostId is not null, state, status.Reason, pair.Paused, false,
                ConflictStore.Read(data.ForPair(pair.Id)).Count(c => !c.Resolved), failure, noSpace);
        }
        var now = runner.Pair.Status;
        return new PairSnapshot(pair.Id, pair.Name, pair.HostId is not null, now.State, now.Reason, runner.Pair.PausedByPerson,
            runner.Failure is null && now.AwaitsDeleteConfirmation, runner.Pair.Conflicts.Count(c => !c.Resolved), runner.Failure, noSpace, runner.DeployFailed);
    }

    private Task OnLiveAsync(IReadOnlyList<PairUpdate> batch)
    {
        foreach (var update in batch.Where(u => u.Kind == UpdateKind.Events))
        {
            if (update.Events.LastOrDefault(e => e.Kind == EventKind.Error.Name() && AlertConditions.SaysNoSpace(e.Detail)) is { } full)
            {
                _noSpace[update.PairId] = full.Detail;
            }
        }
        return Task.CompletedTask;
    }
}
