using Microsoft.Extensions.Time.Testing;
using Psync.Engine.Sync;
using Psync.Engine.Tests.Fakes;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>
/// The out-of-sync list and the path inspector against in-memory agents on a fake clock: a path
/// enters the list where the executor decides it failed or skipped it, leaves it when it converges,
/// and a person's retry ends the backoff at once.
/// </summary>
public sealed class OutOfSyncTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private static readonly FileState Shared = FakeAgent.File(5);
    private static readonly FileState Fifo = new(EntryKind.Other, 0, 1_700_000_000_000_000_000, 0x11A4, 9, 1_700_000_000_000_000_000, null);

    private readonly string _dir = Directory.CreateTempSubdirectory("psync-oos-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly CancellationTokenSource _stop = new();
    private FakeAgent _left = null!;
    private FakeAgent _right = null!;
    private SyncPair _pair = null!;
    private Task _run = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _left = new FakeAgent("/left", [("a.txt", Shared), ("b.txt", Shared), ("docs", Dir), ("docs/x.md", Shared), ("docs/sub", Dir), ("docs/sub/deep.md", Shared)]);
        _right = new FakeAgent("/right", [("a.txt", Shared), ("b.txt", Shared), ("docs", Dir), ("docs/x.md", Shared), ("docs/sub", Dir), ("docs/sub/deep.md", Shared)]);
        var options = new PairOptions
        {
            LeftRoot = "/left", RightRoot = "/right", DataDir = Path.Combine(_dir, "data"), MinDeletesGuarded = 10,
            Excludes = [@"\.cache$"], Tempfiles = [@"~$"],
        };
        _pair = new SyncPair(options, clock: _clock) { AgentStarter = (side, _) => side == Side.Left ? _left.Connection : _right.Connection };
        _run = _pair.RunAsync(_stop.Token);
        await UntilAsync(() => _pair.Status.State == PairState.Idle, "the first reconcile");
    }

    private static FileState Dir => new(EntryKind.Directory, 0, 1_700_000_000_000_000_000, 0x41ED, 2, 1_700_000_000_000_000_000, null);

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _pair.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task FailingDelete_ListedWithTheAgentsMessageAndBackoff_LeavesWhenItSucceeds()
    {
        var refuse = true;
        _right.Refuse = op => op is DeleteOp && Volatile.Read(ref refuse) ? "No space left on device" : null;

        await _left.ReportAsync("a.txt", FileState.Absent);
        await UntilAsync(() => _pair.OutOfSync.Count == 1, "the failure listed", advance: TimeSpan.FromMilliseconds(50));

        var item = Assert.Single(_pair.OutOfSync);
        Assert.Equal(("a.txt", OutOfSyncReason.Error, (Side?)Side.Right, 1), (item.Path, item.Reason, item.Side, item.Attempts));
        Assert.Contains("No space left on device", item.Detail, StringComparison.Ordinal);
        Assert.Equal(item.Last + TimeSpan.FromSeconds(1), item.NextRetry);

        Volatile.Write(ref refuse, false);
        await UntilAsync(() => _pair.OutOfSync.Count == 0, "the path converged", advance: TimeSpan.FromMilliseconds(100));
        Assert.False(_right["a.txt"].Exists);
    }

    [Fact]
    public async Task Retry_DuringTheBackoff_TriesAtOnceWithoutWaiting()
    {
        var refuse = true;
        _right.Refuse = op => op is SetAttrOp && Volatile.Read(ref refuse) ? "Read-only file system" : null;
        await _left.ReportAsync("a.txt", Shared with { Mode = 0x8180, CtimeNs = Shared.CtimeNs + 1 });
        await UntilAsync(() => _pair.OutOfSync.Any(i => i.Attempts == 3), "three failures", advance: TimeSpan.FromMilliseconds(200));
        var attempts = _right.Operations.OfType<SetAttrOp>().Count();
        Volatile.Write(ref refuse, false);

        await _pair.RetryOutOfSyncAsync("a.txt", CancellationToken.None);

        // The clock stands still: the backoff (4 s now) has not elapsed, the person's retry ran it.
        await UntilAsync(() => _pair.OutOfSync.Count == 0, "the retried path converged");
        Assert.Equal(attempts + 1, _right.Operations.OfType<SetAttrOp>().Count());
        Assert.Equal(0x8180u, _right["a.txt"].Mode);
    }

    [Fact]
    public async Task SpecialFile_ListedAsSuch_UntilItIsGone()
    {
        await _left.ReportAsync("pipe", Fifo);
        await UntilAsync(() => _pair.OutOfSync.Count == 1, "the FIFO listed", advance: TimeSpan.FromMilliseconds(50));

        var item = Assert.Single(_pair.OutOfSync);
        Assert.Equal(("pipe", OutOfSyncReason.SpecialFile), (item.Path, item.Reason));
        Assert.Equal("devices, FIFOs and sockets are not synced", item.Detail);

        await _left.ReportAsync("pipe", FileState.Absent);
        await UntilAsync(() => _pair.OutOfSync.Count == 0, "the FIFO gone from the list", advance: TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Inspect_ExcludedPath_NamesThePatternAndWhatItMatched()
    {
        var inspection = await _pair.InspectAsync("docs/.cache/blob", CancellationToken.None);

        Assert.Equal(new PatternMatch(@"\.cache$", false, "docs/.cache"), inspection.Filter);
        Assert.Equal(new PatternMatch("~$", true, "b.txt~"), (await _pair.InspectAsync("b.txt~", CancellationToken.None)).Filter);
        Assert.Null((await _pair.InspectAsync("a.txt", CancellationToken.None)).Filter);
    }

    [Fact]
    public async Task Inspect_SyncedPath_BothSidesAndTheIndexRow()
    {
        var inspection = await _pair.InspectAsync("a.txt", CancellationToken.None);

        Assert.True(inspection.Running);
        Assert.Equal((Shared, Shared), (inspection.Left, inspection.Right));
        Assert.Equal(Shared.Size, inspection.Index?.Left.Size);
        Assert.Empty(inspection.OutOfSync);
        Assert.False(inspection.OwnArea);
        Assert.True((await _pair.InspectAsync(".psync/trash", CancellationToken.None)).OwnArea);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/passwd")]
    [InlineData("docs/../../x")]
    [InlineData("docs//x")]
    [InlineData("./a.txt")]
    public async Task InspectAndBrowse_PathOutsideTheRoots_Refused(string path)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _pair.InspectAsync(path, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => _pair.BrowseAsync(path, CancellationToken.None));
        Assert.Empty(_left.Operations.OfType<StatOp>());
    }

    [Fact]
    public async Task Browse_ListsOneLevelOfBothSides()
    {
        await _right.ReportAsync("docs/only-right.md", Shared); // in the tree; whether synced yet does not matter here

        var root = await _pair.BrowseAsync("", CancellationToken.None);
        var docs = await _pair.BrowseAsync("docs", CancellationToken.None);

        Assert.Equal(["a.txt", "b.txt", "docs"], root.Entries.Select(e => e.Path));
        Assert.Equal(["docs/only-right.md", "docs/sub", "docs/x.md"], docs.Entries.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Equal(EntryKind.Directory, docs.Entries.Single(e => e.Path == "docs/sub").Left.Kind);
        Assert.False(docs.Truncated);
    }

    /// <summary>Waits (real time, with a deadline) for <paramref name="condition"/>, moving the fake clock on by <paramref name="advance"/> at each look.</summary>
    private async Task UntilAsync(Func<bool> condition, string what, TimeSpan advance = default)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {Deadline}; status {_pair.Status}; out of sync {string.Join("; ", _pair.OutOfSync)}; history:\n{string.Join('\n', _pair.History.TakeLast(20))}");
            if (advance > TimeSpan.Zero)
            {
                _clock.Advance(advance);
            }
            await Task.Delay(1);
        }
    }
}

/// <summary>The registry on its own: what leaves it when.</summary>
public sealed class OutOfSyncRegistryTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void ConvergedTree_RemovesThePathAndBelowOnly()
    {
        var registry = new OutOfSyncRegistry(_clock);
        registry.Note("d", OutOfSyncReason.Unreadable, Side.Left, "x");
        registry.Note("d/f", OutOfSyncReason.Error, Side.Right, "y");
        registry.Note("d-other", OutOfSyncReason.Error, Side.Right, "z");

        Assert.True(registry.ConvergedTree("d"));

        Assert.Equal(["d-other"], registry.Items.Select(i => i.Path));
        Assert.False(registry.ConvergedTree("d"));
    }

    [Fact]
    public void Note_Again_KeepsTheFirstTimeAndTakesTheNewDetail()
    {
        var registry = new OutOfSyncRegistry(_clock);
        registry.Note("f", OutOfSyncReason.Error, Side.Right, "first", 1, TimeSpan.FromSeconds(1));
        var first = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(3));

        Assert.True(registry.Note("f", OutOfSyncReason.Error, Side.Right, "second", 2, TimeSpan.FromSeconds(2)));

        var item = Assert.Single(registry.Items);
        Assert.Equal((first, first + TimeSpan.FromMinutes(3), "second", 2), (item.Since, item.Last, item.Detail, item.Attempts));
        Assert.Equal(item.Last + TimeSpan.FromSeconds(2), item.NextRetry);
    }

    [Fact]
    public void Clear_ForgetsEverythingOnce()
    {
        var registry = new OutOfSyncRegistry(_clock);
        registry.Note("a", OutOfSyncReason.Error, Side.Right, "x");
        registry.Note("b", OutOfSyncReason.SpecialFile, null, "y");

        Assert.True(registry.Clear());

        Assert.Empty(registry.Items);
        Assert.False(registry.Clear());
    }

    [Fact]
    public void ForgetUnreadable_OnlyUnreadableBelowTheSubtree()
    {
        var registry = new OutOfSyncRegistry(_clock);
        registry.Note("a/locked", OutOfSyncReason.Unreadable, Side.Right, "x");
        registry.Note("b/locked", OutOfSyncReason.Unreadable, Side.Right, "x");
        registry.Note("a/bad", OutOfSyncReason.Error, Side.Right, "x");

        registry.ForgetUnreadable("a");

        Assert.Equal(["a/bad", "b/locked"], registry.Items.Select(i => i.Path));
    }
}

/// <summary>The inverse of <see cref="PathCodec.Display"/>, for paths a person types or copies.</summary>
public sealed class PathDisplayTests
{
    [Theory]
    [InlineData("plain/name.txt")]
    [InlineData("new\nline")]
    [InlineData("back\\slash")]
    [InlineData("tab\there")]
    [InlineData("caf\u00e9")]
    public void ParseDisplay_RoundTrips(string path) => Assert.Equal(path, PathCodec.ParseDisplay(PathCodec.Display(path)));

    [Fact]
    public void ParseDisplay_InvalidUtf8Byte_RoundTrips()
    {
        var path = PathCodec.Decode([0x61, 0xFF, 0x62]);

        Assert.Equal("a\\xffb", PathCodec.Display(path));
        Assert.Equal(path, PathCodec.ParseDisplay("a\\xffb"));
    }

    [Theory]
    [InlineData("trailing\\")]
    [InlineData("bad\\q")]
    [InlineData("short\\x4")]
    public void ParseDisplay_MalformedEscape_Null(string shown) => Assert.Null(PathCodec.ParseDisplay(shown));
}
