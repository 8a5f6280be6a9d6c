using Microsoft.Extensions.Time.Testing;
using Psync.Engine.Sync;
using Psync.Engine.Tests.Fakes;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>
/// The pair's loop against in-memory agents on a fake clock: the retry policy, reconcile triggers
/// the delete guard and a person's pause, in milliseconds. The end-to-end suites keep what only real processes show.
/// </summary>
public sealed class FakeAgentSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private static readonly FileState Shared = FakeAgent.File(5);

    private readonly string _dir = Directory.CreateTempSubdirectory("psync-fake-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly CancellationTokenSource _stop = new();
    private FakeAgent _left = null!;
    private FakeAgent _right = null!;
    private SyncPair _pair = null!;
    private Task _run = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _left = new FakeAgent("/left", [("a.txt", Shared), ("b.txt", Shared)]);
        _right = new FakeAgent("/right", [("a.txt", Shared), ("b.txt", Shared)]);
        _pair = new SyncPair(new PairOptions { LeftRoot = "/left", RightRoot = "/right", DataDir = Path.Combine(_dir, "data"), MinDeletesGuarded = 2 }, clock: _clock)
        {
            AgentStarter = (side, _) => side == Side.Left ? _left.Connection : _right.Connection,
        };
        _run = _pair.RunAsync(_stop.Token);
        await UntilAsync(() => _pair.Status.State == PairState.Idle, "the first reconcile");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _pair.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task DeleteOnTheLeft_AfterTheHold_DeletedOnTheRightWithItsExpectedState()
    {
        await _left.ReportAsync("a.txt", FileState.Absent);

        await UntilAsync(() => Deletes(_right).Any(), "the delete on the right", advance: TimeSpan.FromMilliseconds(50));

        var delete = Assert.Single(Deletes(_right));
        Assert.Equal(("a.txt", Expect.Is(Shared)), (delete.Path, delete.Expect));
        Assert.False(_right["a.txt"].Exists);
        Assert.True(_right["b.txt"].Exists);
    }

    [Fact]
    public async Task Delete_IsSyncedToDiskBeforeTheIndexForgetsThePath()
    {
        bool? indexedAtSync = null;
        _right.BeforeAnswer = op =>
        {
            if (op is SyncOp && _right.Operations.Any(o => o is DeleteOp))
            {
                using var index = Psync.Engine.Index.StateIndex.Open(Path.Combine(_dir, "data", "index.db"));
                indexedAtSync ??= index.Get("a.txt") is not null;
            }
        };

        await _left.ReportAsync("a.txt", FileState.Absent);
        await UntilAsync(() => Deletes(_right).Any() && _pair.Status.State == PairState.Idle, "the delete", advance: TimeSpan.FromMilliseconds(50));

        Assert.Equal(["DeleteOp", "SyncOp"], _right.Operations.Select(o => o.GetType().Name).SkipWhile(n => n != "DeleteOp"));
        Assert.True(indexedAtSync, "the index still knew the path when the agent synced the delete to disk");
        using var after = Psync.Engine.Index.StateIndex.Open(Path.Combine(_dir, "data", "index.db"));
        Assert.Null(after.Get("a.txt"));
    }

    [Fact]
    public async Task Chown_RightAgentNotRoot_WarnedOnceAndNotRetried()
    {
        _right.NotRoot = true;

        await _left.ReportAsync("a.txt", Shared with { Uid = 1234, Gid = 2345, CtimeNs = Shared.CtimeNs + 1 });
        await UntilAsync(() => _pair.History.Any(e => e.Kind == EventKind.Warning), "the warning", advance: TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(1);
        }

        var set = Assert.Single(_right.Operations.OfType<SetAttrOp>());
        Assert.Equal((1234u, 2345u), set.Owner);
        var warning = Assert.Single(_pair.History, e => e.Kind == EventKind.Warning);
        Assert.Equal(("a.txt", "owner not set: Operation not permitted (the agent is not root)"), (warning.Path, warning.Detail));
        Assert.Equal(PairState.Idle, _pair.Status.State);
    }

    [Fact]
    public async Task DeleteFailingOnTheRight_RetriedAfter1Then2Seconds_ThenDone()
    {
        var failures = 2;
        _right.Refuse = op => op is DeleteOp && Interlocked.Decrement(ref failures) >= 0 ? "disk says no" : null;

        await _left.ReportAsync("a.txt", FileState.Absent);
        await UntilAsync(() => Deletes(_right).Count() == 1, "the first attempt", advance: TimeSpan.FromMilliseconds(50));
        var first = _clock.GetUtcNow();

        await UntilAsync(() => Deletes(_right).Count() == 2, "the second attempt", advance: TimeSpan.FromMilliseconds(100));
        var second = _clock.GetUtcNow();
        await UntilAsync(() => Deletes(_right).Count() == 3, "the third attempt", advance: TimeSpan.FromMilliseconds(100));
        var third = _clock.GetUtcNow();

        Assert.InRange((second - first).TotalSeconds, 1, 1.5);
        Assert.InRange((third - second).TotalSeconds, 2, 2.5);
        Assert.False(_right["a.txt"].Exists);
        Assert.Equal(2, _pair.History.Count(e => e.Kind == EventKind.Error && e.Detail.Contains("disk says no", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Pause_ChangeMeanwhile_NothingAppliedUntilResumeThenReconciled()
    {
        _pair.Pause("held");
        await _left.ReportAsync("a.txt", FileState.Absent);
        var scans = _left.Scans;

        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1);
        }
        Assert.Empty(Deletes(_right));
        Assert.Equal((PairState.Paused, "held"), (_pair.Status.State, _pair.Status.Reason));

        _pair.Resume();

        await UntilAsync(() => Deletes(_right).Any(), "the delete after resuming", advance: TimeSpan.FromMilliseconds(50));
        Assert.True(_left.Scans > scans, "resuming reconciles");
    }

    [Fact]
    public async Task DeletesOfMostOfTheTree_HeldByTheGuard_UntilConfirmed()
    {
        await _left.ReportAsync("a.txt", FileState.Absent);
        await _left.ReportAsync("b.txt", FileState.Absent);

        await UntilAsync(() => _pair.Status.AwaitsDeleteConfirmation, "the guard's pause", advance: TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1);
        }
        Assert.Empty(Deletes(_right));
        Assert.Contains("would delete 2 of 2 synced paths", _pair.Status.Reason, StringComparison.Ordinal);

        _pair.ConfirmDeletes();

        await UntilAsync(() => Deletes(_right).Count() == 2, "both deletes after the confirmation", advance: TimeSpan.FromMilliseconds(50));
        Assert.False(_right["a.txt"].Exists || _right["b.txt"].Exists);
        await UntilAsync(() => _pair.Status.State == PairState.Idle, "idle again");
    }

    [Fact]
    public async Task RescanNeeded_FromAnAgent_ReconcilesBothSides()
    {
        var (left, right) = (_left.Scans, _right.Scans);

        await _left.SendAsync(new RescanNeeded("queue overflow"));

        await UntilAsync(() => _left.Scans > left && _right.Scans > right, "a reconcile of both sides", advance: TimeSpan.FromMilliseconds(50));
        Assert.Contains(_pair.History, e => e.Kind == EventKind.Rescan && e.Detail == "queue overflow");
    }

    private static IEnumerable<DeleteOp> Deletes(FakeAgent agent) => agent.Operations.OfType<DeleteOp>();

    /// <summary>Waits (real time, with a deadline) for <paramref name="condition"/>, moving the fake clock on by <paramref name="advance"/> at each look.</summary>
    private async Task UntilAsync(Func<bool> condition, string what, TimeSpan advance = default)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {Deadline}; status {_pair.Status}; history:\n{string.Join('\n', _pair.History.TakeLast(20))}");
            if (advance > TimeSpan.Zero)
            {
                _clock.Advance(advance);
            }
            await Task.Delay(1);
        }
    }
}
