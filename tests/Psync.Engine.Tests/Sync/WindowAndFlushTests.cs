using Microsoft.Extensions.Time.Testing;
using Psync.Engine.Sync;
using Psync.Engine.Tests.Fakes;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>Sync windows and <see cref="SyncPair.FlushAsync"/> against in-memory agents on a fake clock (its local time zone is UTC).</summary>
public sealed class WindowAndFlushTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private static readonly FileState Shared = FakeAgent.File(5);

    private readonly string _dir = Directory.CreateTempSubdirectory("psync-window-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly CancellationTokenSource _stop = new();
    private FakeAgent _left = null!;
    private FakeAgent _right = null!;
    private SyncPair _pair = null!;
    private Task _run = Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _pair.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ChangeOutsideTheWindow_NotAppliedUntilTheWindowOpens()
    {
        await StartAsync("12:30-13:00=off");
        _clock.Advance(TimeSpan.FromMinutes(30));
        await UntilAsync(() => _pair.Status.State == PairState.Waiting, "the window to close");

        await _left.ReportAsync("a.txt", FileState.Absent);
        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1);
        }

        Assert.Empty(Deletes(_right));
        Assert.True(_right["a.txt"].Exists);
        Assert.Equal(DateTimeOffset.Parse("2026-12-06T13:00:00Z", System.Globalization.CultureInfo.InvariantCulture), _pair.Status.WindowOpens);
        Assert.Contains("until 13:00", _pair.Status.Reason, StringComparison.Ordinal);

        // To 13:00:00 (12:30:20 now): the rest in steps of 50 ms, so the hold's timer can come due.
        _clock.Advance(TimeSpan.FromMinutes(29) + TimeSpan.FromSeconds(40));
        await UntilAsync(() => Deletes(_right).Any(), "the delete once the window opened", advance: TimeSpan.FromMilliseconds(50));
        Assert.False(_right["a.txt"].Exists);
        await UntilAsync(() => _pair.Status.State == PairState.Idle, "idle in the window");
    }

    [Fact]
    public async Task Start_OutsideTheWindow_WaitsWithoutScanning()
    {
        await StartAsync("11:00-14:00=off", waitFor: PairState.Waiting);

        Assert.Equal((0, 0), (_left.Scans, _right.Scans));

        _clock.Advance(TimeSpan.FromHours(2));
        await UntilAsync(() => _pair.Status.State == PairState.Idle && _left.Scans > 0, "the first reconcile once the window opened", advance: TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task FlushAsync_AfterAChange_ReturnsOnlyOnceItIsApplied()
    {
        await StartAsync();
        await _left.ReportAsync("a.txt", FileState.Absent);
        var scans = _left.Scans;

        var flush = _pair.FlushAsync(CancellationToken.None);

        // The clock stands still: the delete's hold cannot have passed, so the flush cannot be done.
        await UntilAsync(() => _left.Scans > scans, "the flush's reconcile");
        Assert.False(flush.IsCompleted);
        await UntilAsync(() => flush.IsCompleted, "the flush", advance: TimeSpan.FromMilliseconds(50));
        await flush;
        Assert.False(_right["a.txt"].Exists);
        Assert.Equal(PairState.Idle, _pair.Status.State);
    }

    [Fact]
    public async Task FlushAsync_PausedByAPerson_Throws()
    {
        await StartAsync();
        _pair.Pause("held for a backup");

        var e = await Assert.ThrowsAsync<PairNotRunningException>(() => _pair.FlushAsync(CancellationToken.None).WaitAsync(Deadline));

        Assert.Contains("held for a backup", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlushAsync_PausedByTheDeleteGuard_Throws()
    {
        await StartAsync();
        await _left.ReportAsync("a.txt", FileState.Absent);
        await _left.ReportAsync("b.txt", FileState.Absent);
        await UntilAsync(() => _pair.Status.AwaitsDeleteConfirmation, "the guard's pause", advance: TimeSpan.FromMilliseconds(50));

        var e = await Assert.ThrowsAsync<PairNotRunningException>(() => _pair.FlushAsync(CancellationToken.None).WaitAsync(Deadline));

        Assert.Contains("would delete 2 of 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlushAsync_OutsideTheWindow_ThrowsSayingWhenItOpens()
    {
        await StartAsync("11:00-14:00=off", waitFor: PairState.Waiting);

        var e = await Assert.ThrowsAsync<PairNotRunningException>(() => _pair.FlushAsync(CancellationToken.None).WaitAsync(Deadline));

        Assert.Contains("outside its sync window until 14:00", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlushAsync_NotRunning_Throws()
    {
        _pair = new SyncPair(new PairOptions { LeftRoot = "/left", RightRoot = "/right", DataDir = Path.Combine(_dir, "data") }, clock: _clock);

        await Assert.ThrowsAsync<PairNotRunningException>(() => _pair.FlushAsync(CancellationToken.None));
    }

    private async Task StartAsync(string? window = null, PairState waitFor = PairState.Idle)
    {
        _left = new FakeAgent("/left", [("a.txt", Shared), ("b.txt", Shared)]);
        _right = new FakeAgent("/right", [("a.txt", Shared), ("b.txt", Shared)]);
        var options = new PairOptions
        {
            LeftRoot = "/left",
            RightRoot = "/right",
            DataDir = Path.Combine(_dir, "data"),
            MinDeletesGuarded = 2,
            BandwidthWindows = window is null ? [] : [window],
        };
        _pair = new SyncPair(options, clock: _clock)
        {
            AgentStarter = (side, _) => side == Side.Left ? _left.Connection : _right.Connection,
        };
        _run = _pair.RunAsync(_stop.Token);
        await UntilAsync(() => _pair.Status.State == waitFor, $"the pair to be {waitFor}");
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
