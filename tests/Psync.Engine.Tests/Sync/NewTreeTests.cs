using Psync.Engine.Agents;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>
/// A folder new on one side is staged whole and placed with one compare-and-swap rename (real
/// agents, cinotify and rsync); files new and changed in one batch go in separate rsync runs (see RemotePairTests for the delta).
/// </summary>
public sealed class NewTreeTests
{
    [Fact]
    public async Task NewFolderWithSubfoldersAndAnEmptyFolder_IsPlacedWholeAndNothingIsSentAgain()
    {
        await using var pair = PairHarness.Create();
        await pair.StartAsync();
        var outside = Path.Combine(pair.Dir, "d");
        Directory.CreateDirectory(Path.Combine(outside, "a/b"));
        Directory.CreateDirectory(Path.Combine(outside, "empty"));
        for (var i = 0; i < 300; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(outside, $"a/f{i:D3}"), $"file {i}");
        }
        await File.WriteAllTextAsync(Path.Combine(outside, "a/b/deep"), "deep");
        File.SetUnixFileMode(Path.Combine(outside, "a"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        // Moved in while the pair is stopped, so one reconcile plans the whole folder at once.
        await pair.StopAsync();
        Directory.Move(outside, pair.L("d"));
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();

        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Batch && e.Detail.StartsWith("301 of 301 file(s) (1 new folder(s) placed whole)", StringComparison.Ordinal));
        Assert.True(Directory.Exists(pair.R("d/empty")));
        Assert.Equal(301, pair.Pair.Counters.FilesTransferred);

        // The index holds every entry: a restart's reconcile finds nothing to send.
        await pair.StopAsync();
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();
        Assert.Equal(0, pair.Pair.Counters.FilesTransferred);
        Assert.DoesNotContain(pair.Pair.History, e => e.Kind is EventKind.Transfer or EventKind.Mkdir or EventKind.Conflict);
    }

    [Fact]
    public async Task FolderStagedInPlace_WhoseRsyncReportsAnError_IsNotPlacedFromThatRun()
    {
        await using var pair = PairHarness.Create();
        await pair.StopAsync();
        Directory.CreateDirectory(pair.L("docs"));
        foreach (var name in new[] { "a.txt", "b.txt", "c.txt" })
        {
            await File.WriteAllTextAsync(pair.L($"docs/{name}"), name);
        }
        // A link's operation goes to the right just before the transfers: b.txt goes away after the plan.
        File.CreateSymbolicLink(pair.L("link"), "docs");
        var removed = 0;
        pair.AgentStarter = (side, root) => side == Side.Left ? LocalAgent.Start(LocalAgent.Locate(), root) : TappedAgent.Start(root, message =>
        {
            if (message is OpRequest { Op: SymlinkOp } && Interlocked.Exchange(ref removed, 1) == 0)
            {
                File.Delete(pair.L("docs/b.txt"));
            }
            return Task.CompletedTask;
        });
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();

        Assert.Equal(1, removed);
        // rsync wrote the folder in place and said b.txt was gone (exit 23): none of it was placed from that run.
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Error && e.Detail.StartsWith("rsync of 4 file(s) failed (exit 23)", StringComparison.Ordinal));
        Assert.DoesNotContain(pair.Pair.History, e => e.Kind == EventKind.Batch && e.Detail.StartsWith("2 of 3 file(s)", StringComparison.Ordinal));
        Assert.Equal(["a.txt", "c.txt"], Directory.GetFiles(pair.R("docs")).Select(File.ReadAllText).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(pair.R(".psync/stage")));
    }

    [Fact]
    public async Task FileWrittenIntoAPlacedFolderBeforeItIsReadBack_BecomesAConflict_BothVersionsKept()
    {
        await using var pair = PairHarness.Create();
        await pair.StopAsync();
        Directory.CreateDirectory(pair.L("docs"));
        await File.WriteAllTextAsync(pair.L("docs/a.txt"), "the left's version");
        await File.WriteAllTextAsync(pair.L("docs/b.txt"), "untouched");
        var writes = 0;
        pair.AgentStarter = (side, root) => side == Side.Left ? LocalAgent.Start(LocalAgent.Locate(), root) : TappedAgent.Start(root, async message =>
        {
            // The scan that reads the placed folder back: someone writes into it just before.
            if (message is Scan { Path: "docs" } && Interlocked.Exchange(ref writes, 1) == 0)
            {
                await File.WriteAllTextAsync(pair.R("docs/a.txt"), "the right's edit, after the rename");
            }
        });
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();

        Assert.Equal(1, writes);
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Batch && e.Detail.Contains("(1 new folder(s) placed whole)", StringComparison.Ordinal));
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Conflict && e.Path == "docs/a.txt");
        string[] both = ["the left's version", "the right's edit, after the rename", "untouched"];
        Assert.Equal(both, Directory.GetFiles(pair.R("docs")).Select(File.ReadAllText).Order(StringComparer.Ordinal));

        // The index agrees with both trees: a restart's reconcile sends nothing.
        pair.AgentStarter = null;
        await pair.StopAsync();
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();
        Assert.Equal(0, pair.Pair.Counters.FilesTransferred);
        Assert.Equal(both, Directory.GetFiles(pair.L("docs")).Select(File.ReadAllText).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ManyNewFolders_OneRunPlacesThemAll_AndEachIsReadBackIntoTheIndex()
    {
        await using var pair = PairHarness.Create();
        await pair.StopAsync();
        // More folders than the scans of placed folders asked for at once.
        for (var d = 0; d < 40; d++)
        {
            Directory.CreateDirectory(pair.L($"d{d:D2}/sub"));
            await File.WriteAllTextAsync(pair.L($"d{d:D2}/a"), $"a{d}");
            await File.WriteAllTextAsync(pair.L($"d{d:D2}/sub/b"), $"b{d}");
        }
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();

        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Batch && e.Detail.StartsWith("80 of 80 file(s) (40 new folder(s) placed whole)", StringComparison.Ordinal));
        Assert.Equal("b39", await File.ReadAllTextAsync(pair.R("d39/sub/b")));

        // Every entry of every folder is in the index: a restart's reconcile finds nothing to do.
        await pair.StopAsync();
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();
        Assert.Equal(0, pair.Pair.Counters.FilesTransferred);
        Assert.DoesNotContain(pair.Pair.History, e => e.Kind is EventKind.Transfer or EventKind.Mkdir or EventKind.Conflict or EventKind.Error);
    }

    [Fact]
    public async Task NewFolderHoldingALink_IsMadeEntryByEntry_AndTheLinkKeepsItsTime()
    {
        await using var pair = PairHarness.Create();
        await pair.StopAsync();
        Directory.CreateDirectory(pair.L("d"));
        await File.WriteAllTextAsync(pair.L("d/f"), "f");
        File.CreateSymbolicLink(pair.L("d/link"), "f");
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();

        Assert.Equal("f", new FileInfo(pair.R("d/link")).LinkTarget);
        Assert.DoesNotContain(pair.Pair.History, e => e.Kind == EventKind.Batch && e.Detail.Contains("placed whole", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NameTakenOnTheTargetWhileTheFolderIsStaged_NothingIsOverwrittenAndBothVersionsStay()
    {
        // A slow rsync (4 MiB at 1024 KiB/s) leaves time to create the folder on the right meanwhile.
        await using var pair = PairHarness.Create(o => o with { BandwidthLimit = 1024 });
        await pair.StartAsync();
        var outside = Path.Combine(pair.Dir, "d");
        Directory.CreateDirectory(outside);
        var big = new byte[4 << 20];
        Random.Shared.NextBytes(big);
        await File.WriteAllBytesAsync(Path.Combine(outside, "big"), big);
        await File.WriteAllTextAsync(Path.Combine(outside, "shared"), "left's version");

        Directory.Move(outside, pair.L("d"));
        await PairHarness.WaitUntilAsync(() => Directory.Exists(pair.R(".psync/stage")) && Directory.GetDirectories(pair.R(".psync/stage")).Any(s => Directory.Exists(Path.Combine(s, "d"))),
            TimeSpan.FromSeconds(10), "the folder staged on the right");
        Directory.CreateDirectory(pair.R("d"));
        await File.WriteAllTextAsync(pair.R("d/shared"), "right's version");
        await File.WriteAllTextAsync(pair.R("d/mine"), "only on the right");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(big, await File.ReadAllBytesAsync(pair.R("d/big")));
        Assert.Equal("only on the right", await File.ReadAllTextAsync(pair.L("d/mine")));
        var versions = Directory.GetFiles(pair.R("d")).Where(f => Path.GetFileName(f) != "big").Select(File.ReadAllText).ToHashSet();
        Assert.Contains("left's version", versions);
        Assert.Contains("right's version", versions);
    }

    [Fact]
    public async Task BatchInSeveralRuns_ARunCommitsWhileTheNextStages_AndARunWhoseRsyncFailsCommitsNothing()
    {
        // One entry a run: folder a (three files) and folder b (4 MiB at 1024 KiB/s) each run alone.
        await using var pair = PairHarness.Create(o => o with { TransferRun = 1, BandwidthLimit = 1024 });
        Directory.CreateDirectory(pair.L("a"));
        for (var i = 0; i < 3; i++)
        {
            await File.WriteAllTextAsync(pair.L($"a/f{i}"), $"file {i}");
        }
        Directory.CreateDirectory(pair.L("b"));
        var big = new byte[4 << 20];
        Random.Shared.NextBytes(big);
        await File.WriteAllBytesAsync(pair.L("b/big"), big);
        // The first reconcile plans both: one batch, two runs.
        pair.Begin();

        // a is committed while b's rsync is still staging: the runs overlap.
        var stagingB = () => Directory.Exists(pair.R(".psync/stage")) && Directory.GetDirectories(pair.R(".psync/stage")).Any(s => Directory.Exists(Path.Combine(s, "b")));
        await PairHarness.WaitUntilAsync(() => File.Exists(pair.R("a/f2")) && stagingB(), TimeSpan.FromSeconds(10), "folder a in place while b stages", () => string.Join('\n', pair.Pair.History.TakeLast(10)));

        // b's rsync dies: none of b is placed, and it is tried again.
        Assert.True(PairHarness.KillRsyncStagingInto(pair.Right) > 0);
        await PairHarness.WaitUntilAsync(() => pair.Pair.History.Any(e => e.Kind == EventKind.Error && e.Detail.StartsWith("rsync of 2 file(s) failed", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "b's run to fail", () => string.Join('\n', pair.Pair.History.TakeLast(10)));
        Assert.False(Directory.Exists(pair.R("b")), "nothing of a failed run is placed");
        Assert.Equal(3, Directory.GetFiles(pair.R("a")).Length);

        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(big, await File.ReadAllBytesAsync(pair.R("b/big")));
    }

    [Fact]
    public async Task BatchInParallelRuns_ALaterRunIsPlacedWhileAnEarlierOneStages_AndTheEarlierOneFailingPlacesNothing()
    {
        // One entry a run, two runs at a time: "a" (4 GiB of holes, read whole by rsync) and "b" stage together.
        await using var pair = PairHarness.Create(o => o with { TransferRun = 1, TransferStreams = 2 });
        using (var a = File.Create(pair.L("a")))
        {
            a.SetLength(4L << 30);
        }
        await File.WriteAllTextAsync(pair.L("b"), "b");
        pair.Begin();

        // a's rsync is held still once it stages a: b, the next run, is placed all the same.
        string? batch = null;
        await PairHarness.WaitUntilAsync(() => (batch = StagingOf(pair, "a")) is not null, TimeSpan.FromSeconds(20), "a to be staging", () => string.Join('\n', pair.Pair.History.TakeLast(10)));
        Assert.True(PairHarness.StopRsyncStagingInto(pair.Right, batch!) > 0);
        await PairHarness.WaitUntilAsync(() => File.Exists(pair.R("b")), TimeSpan.FromSeconds(20), "b in place while a's rsync is held", () => string.Join('\n', pair.Pair.History.TakeLast(10)));

        // a's rsync dies: a is not placed, and b's run is still recorded.
        Assert.True(PairHarness.KillRsyncStagingInto(pair.Right, batch!) > 0);
        await PairHarness.WaitUntilAsync(() => pair.Pair.History.Any(e => e.Kind == EventKind.Error && e.Detail.StartsWith("rsync of 1 file(s) failed", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "a's run to fail", () => string.Join('\n', pair.Pair.History.TakeLast(10)));
        Assert.False(File.Exists(pair.R("a")), "nothing of a failed run is placed");
        await PairHarness.WaitUntilAsync(() => pair.Pair.History.Any(e => e.Kind == EventKind.Batch && e.Detail.StartsWith("1 of 1 file(s)", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "b's run to be recorded", () => string.Join('\n', pair.Pair.History.TakeLast(10)));

        // a is tried again: gone meanwhile on the left, the pair converges without it.
        File.Delete(pair.L("a"));
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("b", await File.ReadAllTextAsync(pair.R("b")));
    }

    [Fact]
    public async Task BatchInRuns_WithABandwidthLimit_RunsOneAtATime()
    {
        // The limit is per rsync: two at a time would send at twice the rate asked for.
        await using var pair = PairHarness.Create(o => o with { TransferRun = 1, TransferStreams = 2, BandwidthLimit = 1024 });
        var big = new byte[2 << 20];
        Random.Shared.NextBytes(big);
        await File.WriteAllBytesAsync(pair.L("a"), big);
        await File.WriteAllTextAsync(pair.L("b"), "b");
        pair.Begin();

        // a's rsync held still while it stages a: b's run has not started (no stage folder of its own, b not placed).
        string? batch = null;
        await PairHarness.WaitUntilAsync(() => (batch = StagingOf(pair, "a")) is not null, TimeSpan.FromSeconds(20), "a to be staging", () => string.Join('\n', pair.Pair.History.TakeLast(10)));
        Assert.True(PairHarness.StopRsyncStagingInto(pair.Right, batch!) > 0);
        Assert.Equal([batch], Directory.GetDirectories(pair.R(".psync/stage")).Select(Path.GetFileName));
        Assert.False(File.Exists(pair.R("b")));

        Assert.True(PairHarness.KillRsyncStagingInto(pair.Right, batch!) > 0);
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(big, await File.ReadAllBytesAsync(pair.R("a")));
    }

    /// <summary>The stage folder on the right where rsync is writing <paramref name="name"/> (its temporary file), or null.</summary>
    private static string? StagingOf(PairHarness pair, string name)
    {
        try
        {
            return Directory.GetDirectories(pair.R(".psync/stage")).FirstOrDefault(d => Directory.GetFiles(d, $".{name}.*").Length > 0) is { } dir ? Path.GetFileName(dir) : null;
        }
        catch (DirectoryNotFoundException)
        {
            return null; // not there yet, or a stage folder removed meanwhile
        }
    }

    [Fact]
    public async Task RootsWithQuotesSpacesAndColons_BulkBatchPulledThroughTheAgent_Converges()
    {
        // The roots reach rsync's -e (the agent program's argument), never a shell.
        await using var pair = PairHarness.Create(o => o with
        {
            LeftRoot = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(o.LeftRoot)!, "le ft's \"x\" $HOME:*")).FullName,
            RightRoot = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(o.RightRoot)!, "-right ''")).FullName,
        });
        for (var i = 0; i < 300; i++)
        {
            await File.WriteAllTextAsync(pair.L($"f{i:D3}"), $"{i}");
        }
        await pair.StartAsync();
        await pair.WaitConvergedAsync();

        Assert.Equal(300, Directory.GetFiles(pair.Right).Length);
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Batch && e.Detail.StartsWith("300 of 300 file(s)", StringComparison.Ordinal));
    }
}
