namespace Psync.Native.Tests;

public abstract class CinotifyMoveTests(CinotifyLaunch launch)
{
    [Fact]
    public async Task Move_DirectoryInsideTree_OneMoveAndWatchesFollow()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.In("old/sub"));
        File.WriteAllText(tree.In("old/a"), "x");
        File.WriteAllText(tree.In("old/sub/b"), "x");
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        Directory.Move(tree.In("old"), tree.In("new"));
        var move = await cinotify.WaitForAsync(r => r.Event == "MOVE", CinotifyProcess.DefaultTimeout, "MOVE");
        File.WriteAllText(tree.In("new/after"), "x");
        File.WriteAllText(tree.In("new/sub/deeper"), "x");

        await cinotify.WaitForAsync("WRITE", "new/after");
        await cinotify.WaitForAsync("WRITE", "new/sub/deeper");
        Assert.True(move.IsDir);
        Assert.Equal(("old", "new"), (move.PathText, move.ArgText));
        var records = cinotify.Records;
        Assert.Single(records, r => r.Event == "MOVE");
        Assert.DoesNotContain(records, r => r.Event is "MOVED_OUT" or "MOVED_IN" or "DELETE");
        Assert.DoesNotContain(records, r => r.PathText.StartsWith("old/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Move_FiftyFilesInTightLoop_EveryOnePaired()
    {
        using var tree = new TempTree();
        for (var i = 0; i < 50; i++)
        {
            File.WriteAllText(tree.In($"f{i}"), "x");
        }
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);
        var expected = Enumerable.Range(0, 50).ToDictionary(i => $"f{i}", i => $"g{i}");

        for (var i = 0; i < 50; i++)
        {
            File.Move(tree.In($"f{i}"), tree.In($"g{i}"));
        }

        var pending = new Dictionary<string, string>(expected);
        await cinotify.WaitForAsync(
            r => r.Event == "MOVE" && pending.Remove(r.PathText, out var to) && to == r.ArgText && pending.Count == 0,
            CinotifyProcess.DefaultTimeout, "50 paired MOVE records");
        var moves = cinotify.Records.Where(r => r.Event == "MOVE").ToList();
        Assert.Equal(50, moves.Count);
        Assert.All(moves, m => Assert.Equal(expected[m.PathText], m.ArgText));
        Assert.DoesNotContain(cinotify.Records, r => r.Event is "MOVED_OUT" or "MOVED_IN");
    }

    [Fact]
    public async Task Move_OutOfTree_MovedOutAndNoFurtherEvents()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.In("dir/sub"));
        File.WriteAllText(tree.In("file"), "x");
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        File.Move(tree.In("file"), tree.Out("file"));
        Directory.Move(tree.In("dir"), tree.Out("dir"));
        File.WriteAllText(tree.Out("dir/sub/after"), "x");
        Directory.CreateDirectory(tree.In("dir"));
        File.WriteAllText(tree.In("marker"), "x");

        var file = await cinotify.WaitForAsync("MOVED_OUT", "file");
        var dir = await cinotify.WaitForAsync("MOVED_OUT", "dir");
        await cinotify.WaitForAsync("WRITE", "marker");
        Assert.False(file.IsDir);
        Assert.True(dir.IsDir);
        var records = cinotify.Records;
        Assert.DoesNotContain(records, r => r.PathText.Contains("after", StringComparison.Ordinal));
        // The new "dir" comes after the old one left, in that order.
        var outIndex = records.ToList().FindIndex(r => r.Is("MOVED_OUT", "dir"));
        var createIndex = records.ToList().FindIndex(r => r.Is("CREATE", "dir"));
        Assert.True(outIndex < createIndex, $"MOVED_OUT at {outIndex}, CREATE at {createIndex}");
    }

    [Fact]
    public async Task Move_DirectoryIntoTree_MovedInContentsReportedAndWatched()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.Out("in/sub/deep"));
        File.WriteAllText(tree.Out("in/a"), "x");
        File.WriteAllText(tree.Out("in/sub/deep/b"), "x");
        File.WriteAllText(tree.Out("loose"), "x");
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        File.Move(tree.Out("loose"), tree.In("loose"));
        Directory.Move(tree.Out("in"), tree.In("in"));

        Assert.False((await cinotify.WaitForAsync("MOVED_IN", "loose")).IsDir);
        Assert.True((await cinotify.WaitForAsync("MOVED_IN", "in")).IsDir);
        await cinotify.WaitForAsync("FOUND", "in/a");
        Assert.True((await cinotify.WaitForAsync("FOUND", "in/sub")).IsDir);
        Assert.True((await cinotify.WaitForAsync("FOUND", "in/sub/deep")).IsDir);
        await cinotify.WaitForAsync("FOUND", "in/sub/deep/b");
        File.WriteAllText(tree.In("in/sub/deep/later"), "x");
        await cinotify.WaitForAsync("WRITE", "in/sub/deep/later");
    }

    [Fact]
    public async Task Move_DirectoryIntoTrash_ReportedButNotDescendedInto()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.In(".psync/trash/old"));
        Directory.CreateDirectory(tree.In("doomed/inner"));
        File.WriteAllText(tree.In("doomed/inner/file"), "x");
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        Directory.Move(tree.In("doomed"), tree.In(".psync/trash/doomed"));
        var move = await cinotify.WaitForAsync(r => r.Event == "MOVE", CinotifyProcess.DefaultTimeout, "MOVE");
        File.WriteAllText(tree.In(".psync/trash/doomed/late"), "x");
        File.WriteAllText(tree.In(".psync/trash/doomed/inner/late"), "x");
        File.WriteAllText(tree.In(".psync/trash/old/late"), "x");
        File.WriteAllText(tree.In(".psync/trash/loose"), "x");
        File.WriteAllText(tree.In("marker"), "x");

        await cinotify.WaitForAsync("WRITE", "marker");
        Assert.Equal(("doomed", ".psync/trash/doomed"), (move.PathText, move.ArgText));
        Assert.True(move.IsDir);
        var records = cinotify.Records;
        Assert.Contains(records, r => r.Is("WRITE", ".psync/trash/loose"));
        Assert.DoesNotContain(records, r => r.PathText.EndsWith("late", StringComparison.Ordinal));
        // ROOT, .psync, .psync/trash, doomed and doomed/inner; not .psync/trash/old.
        Assert.Equal("5", records.Single(r => r.Event == "READY").ArgText);
    }

    [Fact]
    public async Task Stage_NotDescendedInto_AndWhatIsCommittedOutOfItIsReportedWatchedAndScanned()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.In(".psync/stage"));
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        // rsync's work in a batch's stage folder: its temporary file, the rename, a new folder.
        Directory.CreateDirectory(tree.In(".psync/stage/b1/d/sub"));
        File.WriteAllText(tree.In(".psync/stage/b1/.f.tmp"), "x");
        File.Move(tree.In(".psync/stage/b1/.f.tmp"), tree.In(".psync/stage/b1/f"));
        File.WriteAllText(tree.In(".psync/stage/b1/d/sub/g"), "x");
        // The commits: a file and a folder placed whole, each with one rename.
        File.Move(tree.In(".psync/stage/b1/f"), tree.In("f"));
        Directory.Move(tree.In(".psync/stage/b1/d"), tree.In("d"));

        Assert.False((await cinotify.WaitForAsync("MOVED_IN", "f")).IsDir);
        Assert.True((await cinotify.WaitForAsync("MOVED_IN", "d")).IsDir);
        await cinotify.WaitForAsync("FOUND", "d/sub/g");
        File.WriteAllText(tree.In("d/sub/later"), "x");
        await cinotify.WaitForAsync("WRITE", "d/sub/later");
        Assert.DoesNotContain(cinotify.Records, r => r.PathText.StartsWith(".psync/stage/b1/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Move_DirectoryOutOfTrash_WatchedAndScannedAgain()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.In(".psync/trash/kept/sub"));
        File.WriteAllText(tree.In(".psync/trash/kept/sub/f"), "x");
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        Directory.Move(tree.In(".psync/trash/kept"), tree.In("restored"));
        await cinotify.WaitForAsync(r => r.Event == "MOVE" && r.ArgText == "restored", CinotifyProcess.DefaultTimeout, "MOVE");
        await cinotify.WaitForAsync("FOUND", "restored/sub/f");
        File.WriteAllText(tree.In("restored/sub/g"), "x");
        await cinotify.WaitForAsync("WRITE", "restored/sub/g");
    }
}

public sealed class NativeCinotifyMoveTests() : CinotifyMoveTests(CinotifyLaunch.Native);

public sealed class EmptyRootCinotifyMoveTests() : CinotifyMoveTests(CinotifyLaunch.EmptyRoot);

public sealed class QemuArm64CinotifyMoveTests() : CinotifyMoveTests(CinotifyLaunch.QemuArm64);
