using Microsoft.Extensions.Time.Testing;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

public sealed class ProgressTrackerTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private int _published;

    private ProgressTracker Create() => new(_clock, () => _published++);

    private static OpResult Ok(long size) => new(0, OpStatus.Ok, FileOf(size), null, null);

    private static FileState FileOf(long size) => new(EntryKind.File, size, 1, 0x81A4, 1, 1, null);

    [Fact]
    public void Committed_HalfOfAPlan_RateAndTimeLeftFollow()
    {
        // Arrange
        var tracker = Create();
        tracker.Plan(4, 4000);

        // Act: two files of 1000 bytes in 2 s.
        _clock.Advance(TimeSpan.FromSeconds(2));
        tracker.Committed([Ok(1000), Ok(1000), new OpResult(0, OpStatus.Conflict, FileState.Absent, null, null)]);

        // Assert
        var p = Assert.IsType<PlanProgress>(tracker.Current);
        Assert.Equal((4L, 2L, 4000L, 2000L, false), (p.Files, p.FilesDone, p.Bytes, p.BytesDone, p.Finished));
        Assert.Equal(0.5, p.Fraction);
        Assert.Equal(1000, p.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(2), p.Remaining);
    }

    [Fact]
    public void Committed_RightAtTheStart_GivesARateOverAQuarterSecond()
    {
        // Arrange
        var tracker = Create();
        tracker.Plan(2, 2000);
        Assert.Equal((0, null), (tracker.Current!.BytesPerSecond, tracker.Current.Remaining));

        // Act: the first 1000 bytes 10 ms into the run.
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        tracker.Committed([Ok(1000)]);

        // Assert: a rate (not none, and not 100,000 bytes a second) and the time left at it.
        var p = tracker.Current!;
        Assert.Equal(4000, p.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(0.25), p.Remaining);
    }

    [Fact]
    public void Staged_TwoRunsAtOnce_EachCommitReplacesOnlyItsOwnRunsShare()
    {
        // Arrange: run a is fully staged and commits while run b is half staged.
        var tracker = Create();
        tracker.Plan(4, 400);
        tracker.Staged("a", 2, 200);
        tracker.Staged("b", 1, 100);

        // Act
        tracker.Committed([Ok(100), Ok(100)], unstage: "a");

        // Assert: a's two files count once, b's staged half still counts.
        var p = Assert.IsType<PlanProgress>(tracker.Current);
        Assert.Equal((3L, 300L), (p.FilesDone, p.BytesDone));

        // b's rsync failed: its share leaves the figures.
        tracker.Staged("b", 0, 0);
        p = Assert.IsType<PlanProgress>(tracker.Current);
        Assert.Equal((2L, 200L), (p.FilesDone, p.BytesDone));
    }

    [Fact]
    public void Settle_AFailedFile_LeavesTheTotalsSoTheRunEndsComplete()
    {
        // Arrange
        var tracker = Create();
        tracker.Plan(3, 300);
        var mark = tracker.Mark();
        tracker.Committed([Ok(100), Ok(120)]);

        // Act: the third file failed; the batch is over, then the pair goes idle.
        tracker.Settle(mark, 3, 300);
        tracker.Finish();

        // Assert: what was committed is the run (the second file had grown).
        var p = Assert.IsType<PlanProgress>(tracker.Current);
        Assert.Equal((2L, 2L, 220L, 220L, true), (p.Files, p.FilesDone, p.Bytes, p.BytesDone, p.Finished));
        Assert.Equal(1, p.Fraction);
        Assert.Equal(TimeSpan.Zero, p.Remaining);
    }

    [Fact]
    public void Plan_DuringARun_AddsToIt_AfterTheEnd_StartsAnother()
    {
        // Arrange
        var tracker = Create();
        tracker.Plan(2, 20);
        tracker.Committed([Ok(10)]);

        // Act
        tracker.Plan(3, 30);
        var joined = tracker.Current;
        tracker.Finish();
        _clock.Advance(TimeSpan.FromSeconds(1));
        tracker.Plan(1, 5);

        // Assert
        Assert.Equal((5L, 1L, 50L), (joined!.Files, joined.FilesDone, joined.Bytes));
        var next = Assert.IsType<PlanProgress>(tracker.Current);
        Assert.Equal((1L, 0L, 5L, false, _clock.GetUtcNow()), (next.Files, next.FilesDone, next.Bytes, next.Finished, next.Started));
    }

    [Fact]
    public void Committed_ManyInAQuarterSecond_PublishesOnceUntilTheLast()
    {
        // Arrange
        var tracker = Create();
        tracker.Plan(10, 10);
        var before = _published;

        // Act: nine commits in the instant of the plan, then the tenth.
        for (var i = 0; i < 9; i++)
        {
            tracker.Committed([Ok(1)]);
        }
        var throttled = _published - before;
        tracker.Committed([Ok(1)]);

        // Assert: within a quarter second of the plan's own update they wait; the one that completes the plan goes out at once.
        Assert.Equal(0, throttled);
        Assert.Equal(1, _published - before);
        Assert.Equal(10, tracker.Current!.FilesDone);
    }
}
