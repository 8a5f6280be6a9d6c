using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Engine;
using Psync.Engine.Conflicts;
using Psync.Engine.Sync;
using Psync.Protocol;
using Psync.Web.Data;
using Psync.Web.Hosts;
using Psync.Web.Pairs;

namespace Psync.Web.Live;

/// <summary>The running pairs, one <see cref="PairRunner"/> each, started and stopped as their configuration says.</summary>
public sealed class PairRunners(
    IDbContextFactory<PsyncDb> dbs,
    DataFolder data,
    KeyVault keys,
    RootGuard roots,
    LiveUpdates live,
    HistoryWriter history,
    IOptions<EngineOptions> options,
    ILoggerFactory loggers,
    TimeProvider clock) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, PairRunner> _runners = new();
    private readonly ConcurrentDictionary<int, string> _unstartable = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _log = loggers.CreateLogger<PairRunners>();

    public PairRunner? Get(int pairId) => _runners.GetValueOrDefault(pairId);

    public async Task StartAllAsync(CancellationToken ct)
    {
        keys.Clear();
        List<int> ids;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            ids = await db.Pairs.Select(p => p.Id).ToListAsync(ct);
        }
        foreach (var id in ids)
        {
            await ApplyAsync(id, ct);
        }
    }

    /// <summary>Brings the pair's runner in line with its stored configuration: stops it, and starts it again unless it is paused or gone.</summary>
    public Task ApplyAsync(int pairId, CancellationToken ct = default) => ApplyAsync(pairId, resetState: false, ct);

    /// <summary>
    /// As <see cref="ApplyAsync(int, CancellationToken)"/>; with <c>resetState</c> it first drops the pair's state index and
    /// conflict list (data folder and conflict rows), for a pair that is gone or whose roots changed. Those describe trees
    /// the pair no longer syncs: kept, a file the old index knew and a new right root lacks reads as deleted there, and is
    /// deleted on the left. Without them the pair starts as a first sync, which merges both trees and deletes nothing.
    /// </summary>
    public async Task ApplyAsync(int pairId, bool resetState, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_runners.TryRemove(pairId, out var old))
            {
                await old.DisposeAsync();
            }
            await using var db = await dbs.CreateDbContextAsync(ct);
            var pair = await db.Pairs.Include(p => p.Host).SingleOrDefaultAsync(p => p.Id == pairId, ct);
            if (resetState && pair is null && Directory.Exists(data.ForPair(pairId)))
            {
                Directory.Delete(data.ForPair(pairId), recursive: true); // the pair is gone
            }
            else if (resetState && Directory.Exists(data.ForPair(pairId)))
            {
                // The state index goes; the conflict list (the pair's one store of it) is emptied but keeps
                // counting, so that an API id held for an old conflict never names a new one.
                ConflictStore.Forget(data.ForPair(pairId));
                foreach (var entry in new DirectoryInfo(data.ForPair(pairId)).EnumerateFileSystemInfos())
                {
                    if (!entry.Name.StartsWith(ConflictStore.FileName, StringComparison.Ordinal))
                    {
                        (entry as DirectoryInfo)?.Delete(recursive: true);
                        (entry as FileInfo)?.Delete();
                    }
                }
            }
            _unstartable.TryRemove(pairId, out _);
            // A pair stored before a rule tightened (a root in /etc, outside the allowed parents) does not start.
            var policy = await roots.PolicyAsync(ct);
            if (pair is not null && (policy.LocalRefusal(pair.LeftRoot) ?? (pair.HostId is null ? policy.LocalRefusal(pair.RightRoot) : policy.RemoteRefusal(pair.RightRoot))) is { } refusal)
            {
                _unstartable[pairId] = $"cannot start: {refusal}";
            }
            else if (pair is not null)
            {
                try
                {
                    var syncPair = new SyncPair(ToOptions(pair), loggers, clock);
                    if (pair.Paused)
                    {
                        // The engine holds a person's pause: the agents connect (trash, verify), nothing syncs.
                        syncPair.Pause(PausedByAPerson);
                    }
                    _runners[pair.Id] = new PairRunner(pair.Id, syncPair, live, history, clock, _log);
                }
                catch (Exception e) when (e is InvalidOperationException or System.Security.Cryptography.CryptographicException or IOException)
                {
                    // e.g. the host's key cannot be decrypted (key ring lost): the pair shows why and waits for an edit.
                    _unstartable[pairId] = $"cannot start: {e.Message}";
                }
            }
        }
        finally
        {
            _gate.Release();
        }
        live.Publish(pairId, UpdateKind.Config);
        live.Publish(pairId, UpdateKind.Status);
    }

    /// <summary>The reason a pair paused in the UI or the API shows.</summary>
    public const string PausedByAPerson = "paused by a person";

    public PairStatusResource StatusOf(PairEntity pair, int openConflicts)
    {
        if (Get(pair.Id) is not { } runner)
        {
            var why = _unstartable.GetValueOrDefault(pair.Id);
            var state = pair.Paused ? "paused" : why is null ? "stopped" : "error";
            return new PairStatusResource(state, pair.Paused ? "paused by a person" : why, pair.CreatedAt, null, 0, openConflicts, 0, new PairCounters(0, 0, 0, 0, 0, 0, 0, 0));
        }
        var status = runner.Pair.Status;
        var (name, reason) = runner.Failure is { } failure ? ("error", failure) : (status.State.ToString().ToLowerInvariant(), status.Reason);
        var progress = runner.Pair.Progress;
        // Counters grow when a batch ends; during a long batch its commits are the throughput.
        var rate = Math.Max(runner.BytesPerSecond, progress is { Finished: false } ? progress.BytesPerSecond : 0);
        return new PairStatusResource(name, reason, status.Since, status.LastSync, runner.Pair.Queue.Count, openConflicts, rate, runner.Pair.Counters,
            runner.Failure is null && status.AwaitsDeleteConfirmation, runner.Failure is null ? status.WindowOpens : null,
            runner.Pair.Totals, progress is null ? null : ProgressResource.From(progress));
    }

    /// <summary>Samples throughput; pairs whose figure changed get a status update.</summary>
    public void SampleThroughput()
    {
        foreach (var runner in _runners.Values)
        {
            if (runner.Sample(clock))
            {
                live.Publish(runner.Id, UpdateKind.Status);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var id in _runners.Keys)
            {
                if (_runners.TryRemove(id, out var runner))
                {
                    await runner.DisposeAsync();
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private PairOptions ToOptions(PairEntity pair)
    {
        var host = pair.Host;
        return new PairOptions
        {
            Name = pair.Name,
            LeftRoot = pair.LeftRoot,
            RightRoot = pair.RightRoot,
            DataDir = data.ForPair(pair.Id),
            RemoteHost = host is null ? null : $"{host.User}@{(host.Address.Contains(':', StringComparison.Ordinal) ? $"[{host.Address}]" : host.Address)}:{host.Port.ToString(CultureInfo.InvariantCulture)}",
            Identity = host?.ProtectedPrivateKey is null ? null : keys.KeyFile(host),
            IdentityPassphrase = host is null ? null : keys.Passphrase(host),
            KnownHostsFile = data.KnownHosts,
            Excludes = pair.Excludes,
            Tempfiles = pair.Tempfiles,
            RsyncExtra = pair.RsyncExtra,
            DryRun = pair.DryRun,
            Force = pair.Force,
            Mode = pair.Mode,
            Conflicts = pair.Conflicts,
            SkipInitialSync = pair.SkipInitialSync,
            DeleteHold = TimeSpan.FromMilliseconds(pair.HoldMilliseconds),
            TrashRetention = TimeSpan.FromDays(pair.TrashDays),
            MaxDeleteShare = pair.MaxDeleteShare,
            BandwidthLimit = pair.BandwidthLimit,
            BandwidthWindows = pair.BandwidthWindows,
            Xattrs = (pair.Xattrs ? XattrScope.Xattrs : XattrScope.None) | (pair.Acls ? XattrScope.Acls : XattrScope.None),
            Durable = pair.Durable,
            ReconcileInterval = options.Value.ReconcileInterval,
            AgentPath = options.Value.AgentPath,
        };
    }
}

/// <summary>Hosts the engine: starts every pair at start, samples throughput, stops them all at shutdown.</summary>
public sealed class EngineService(PairRunners runners, TimeProvider clock, ILogger<EngineService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await runners.StartAllAsync(stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                runners.SampleThroughput();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        catch (Exception e)
        {
            log.LogCritical(e, "The engine failed");
            throw;
        }
        finally
        {
            await runners.DisposeAsync();
        }
    }
}
