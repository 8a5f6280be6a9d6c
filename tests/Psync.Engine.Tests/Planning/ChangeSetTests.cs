using Microsoft.Extensions.Time.Testing;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Planning;

/// <summary>The coalescer, on a fake clock.</summary>
public sealed class ChangeSetTests
{
    private static readonly FileState File1 = new(EntryKind.File, 1, 1, 0x1A4, 1, 1, null);
    private static readonly FileState File2 = File1 with { Size = 2 };
    private readonly FakeTimeProvider _clock = new();
    private readonly ChangeSet _changes;

    public ChangeSetTests() => _changes = new ChangeSet(_clock, TimeSpan.FromMilliseconds(200));

    [Fact]
    public void TakeReady_Modification_IsDueAtOnce()
    {
        _changes.Report(Side.Left, "a", File1, 1);

        var (_, paths) = _changes.TakeReady();

        Assert.Equal("a", Assert.Single(paths).Path);
        Assert.True(_changes.IsEmpty);
    }

    [Fact]
    public void TakeReady_ComesInPathOrder_HoweverThePathsWereReported()
    {
        string[] ordered = ["a", "a/b", "a/b/c", "a/b!", "a!", "b", "b/a"];
        foreach (var order in new[] { ordered, ordered.Reverse().ToArray(), ["b", "a/b!", "a", "b/a", "a/b/c", "a!", "a/b"] })
        {
            foreach (var path in order)
            {
                _changes.Report(Side.Left, path, File1, 1);
            }

            var (_, paths) = _changes.TakeReady();

            Assert.Equal(ordered, paths.Select(p => p.Path));
        }
    }

    [Theory]
    [InlineData("d/e", false)] // at or before the mark: the page being synced
    [InlineData("d", false)]
    [InlineData("c/z", false)]
    [InlineData("d/e/f", true)] // after it: what a scan read ahead there may be out of date
    [InlineData("e", true)]
    public void Mark_ReportsAfterIt_AreNoted(string path, bool noted)
    {
        _changes.MarkAfter("d/e");

        _changes.Report(Side.Right, path, File1, 1);

        Assert.Equal(noted, _changes.EndMark());
    }

    [Fact]
    public void Mark_WorkAfterItWaitingAlready_IsNoted_AndAMoveIntoIt()
    {
        _changes.Report(Side.Left, "z", File1, 1);
        _changes.MarkAfter("m");
        Assert.True(_changes.EndMark());

        _changes.TakeReady();
        _changes.MarkAfter("m");
        Assert.False(_changes.EndMark());

        _changes.MarkAfter("m");
        _changes.ReportMove(Side.Left, "a", "y", File1, 2);
        Assert.True(_changes.EndMark());
    }

    [Fact]
    public void TakeReady_Delete_IsHeldUntilTheHoldPassed()
    {
        _changes.Report(Side.Left, "a", FileState.Absent, 1);

        Assert.Empty(_changes.TakeReady().Paths);
        Assert.Equal(TimeSpan.FromMilliseconds(200), _changes.NextDue());
        _clock.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Single(_changes.TakeReady().Paths);
    }

    [Fact]
    public void ReportUnindexed_AbsenceBesideACreation_IsNotHeld()
    {
        // A reconcile page: the left has a new file, the right has nothing, the index has no entry.
        _changes.ReportUnindexed(Side.Left, "new", File1, 1);
        _changes.ReportUnindexed(Side.Right, "new", FileState.Absent, 1);

        var work = Assert.Single(_changes.TakeReady().Paths);

        Assert.Equal((File1, null), (work.Left?.State, work.Right?.State));
    }

    [Fact]
    public void ReportUnindexed_AbsenceAfterAReportedState_ReplacesItAndIsHeld()
    {
        _changes.Report(Side.Right, "gone", File1, 1);
        _changes.ReportUnindexed(Side.Right, "gone", FileState.Absent, 2);

        Assert.Empty(_changes.TakeReady().Paths);
        _clock.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Equal(FileState.Absent, Assert.Single(_changes.TakeReady().Paths).Right?.State);
    }

    [Fact]
    public void TakeReady_BurstOfDeletes_IsTakenTogetherAfterAQuietHold()
    {
        _changes.Report(Side.Left, "a", FileState.Absent, 1);
        _clock.Advance(TimeSpan.FromMilliseconds(150));
        _changes.Report(Side.Left, "b", FileState.Absent, 2);
        _clock.Advance(TimeSpan.FromMilliseconds(150));

        Assert.Empty(_changes.TakeReady().Paths); // "a" waited its 200 ms, but "b" came 150 ms ago
        _clock.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Equal(["a", "b"], _changes.TakeReady().Paths.Select(p => p.Path));
    }

    [Fact]
    public void TakeReady_EndlessDeletes_AreNotHeldBeyondTenHolds()
    {
        for (var i = 0; i < 12; i++)
        {
            _changes.Report(Side.Left, $"f{i}", FileState.Absent, i + 1);
            _clock.Advance(TimeSpan.FromMilliseconds(190));
        }

        Assert.Equal(12, _changes.TakeReady().Paths.Count);
    }

    [Fact]
    public void TakeReady_SaveDance_ArrivesAsOneModification()
    {
        // An editor renames doc to doc~, writes a new doc, deletes doc~.
        _changes.ReportMove(Side.Left, "doc", "doc~", File1, 1);
        _changes.Report(Side.Left, "doc", File2, 2);
        _changes.Report(Side.Left, "doc~", FileState.Absent, 3);

        Assert.Empty(_changes.TakeReady().Paths); // doc waits for the move it is part of
        _clock.Advance(TimeSpan.FromMilliseconds(200));
        var (moves, paths) = _changes.TakeReady();

        Assert.Single(moves);
        Assert.Equal(["doc", "doc~"], paths.Select(p => p.Path));
        Assert.Equal(File2, paths[0].Left!.Value.State);
        Assert.False(paths[1].Left!.Value.State.Exists);
    }

    [Fact]
    public void Report_OlderThanOwnWrite_IsDropped()
    {
        _changes.NoteOwnWrite(Side.Right, "a", 10);

        _changes.Report(Side.Right, "a", File1, 9); // the echo, read before our write finished
        _changes.Report(Side.Left, "a", File2, 5); // the other side is unaffected

        var work = Assert.Single(_changes.TakeReady().Paths);
        Assert.Null(work.Right);
        Assert.Equal(File2, work.Left!.Value.State);
    }

    [Fact]
    public void OwnWrite_IsRememberedHoweverLong_UntilTheAgentsHorizonPassesIt()
    {
        _changes.NoteOwnWrite(Side.Right, "a", 10);
        _changes.Settle(Side.Right, 9); // reports numbered up to 8 are in: one numbered 9 may still come
        _clock.Advance(TimeSpan.FromHours(1));
        _changes.TakeReady();

        _changes.Report(Side.Right, "a", File1, 9); // read before our write, delivered an hour later

        Assert.Empty(_changes.TakeReady().Paths);
        _changes.Settle(Side.Right, 10);
        _changes.TakeReady();
        _changes.Report(Side.Right, "a", File1, 9); // cannot come after that horizon; would now count
        Assert.Single(_changes.TakeReady().Paths);
    }

    [Fact]
    public void OwnWrite_IsRememberedPastTheHorizon_WhileReportsBelowItArePending()
    {
        _changes.NoteOwnWrite(Side.Right, "a", 10);
        _changes.NoteOwnWrite(Side.Left, "a", 10);
        _changes.Pending(Side.Right, 5); // a reconcile holds a page of the right read from 5 on
        _changes.Settle(Side.Right, 20);
        _changes.Settle(Side.Left, 20);
        _changes.TakeReady();

        _changes.Report(Side.Right, "a", File1, 7); // the held page comes in
        _changes.Report(Side.Left, "a", File1, 7); // the left held nothing back: this counts

        var work = Assert.Single(_changes.TakeReady().Paths);
        Assert.Null(work.Right);
        Assert.Equal(File1, work.Left!.Value.State);
        _changes.Pending(Side.Right, long.MaxValue);
        _changes.TakeReady();
        _changes.Report(Side.Right, "a", File1, 7);
        Assert.NotNull(Assert.Single(_changes.TakeReady().Paths).Right);
    }

    [Fact]
    public void Report_OlderThanWhatIsKnown_DoesNotOverwrite()
    {
        _changes.Report(Side.Left, "a", File2, 7);
        _changes.Report(Side.Left, "a", File1, 6);

        Assert.Equal(File2, Assert.Single(_changes.TakeReady().Paths).Left!.Value.State);
    }

    [Fact]
    public void ReportMove_Directory_CarriesPendingChangesBelowIt()
    {
        _changes.Report(Side.Left, "dir/f", File2, 1);

        _changes.ReportMove(Side.Left, "dir", "renamed", File1 with { Kind = EntryKind.Directory }, 2);
        _clock.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Contains(_changes.TakeReady().Paths, p => p.Path == "renamed/f" && p.Left!.Value.State == File2);
    }

    [Fact]
    public void Requeue_WithDelay_IsNotDueBeforeIt()
    {
        _changes.Report(Side.Left, "a", File1, 1);
        var work = Assert.Single(_changes.TakeReady().Paths);

        _changes.Requeue(work, TimeSpan.FromSeconds(1));

        Assert.Empty(_changes.TakeReady().Paths);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(_changes.TakeReady().Paths);
    }
}
