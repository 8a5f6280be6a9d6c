using System.Security.Cryptography;
using Psync.Agent.Tests.Launchers;
using Psync.Protocol;

namespace Psync.Agent.Tests;

public abstract class OperationTests<TLauncher> : IAsyncLifetime where TLauncher : IAgentLauncher, new()
{
    private AgentSession _agent = null!;

    public async Task InitializeAsync() => _agent = await AgentSession.StartAsync(new TLauncher());

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private string Full(string rel) => _agent.Full(rel);

    private async Task<FileState> WriteAsync(string rel, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Full(rel))!);
        await File.WriteAllTextAsync(Full(rel), content);
        return await _agent.StatAsync(rel);
    }

    private string[] TrashContents() => [.. Directory.GetFileSystemEntries(Full(".psync/trash")).Select(p => File.Exists(p) ? File.ReadAllText(p) : Path.GetFileName(p))];

    [AgentFact(Under = Launch.All)]
    public async Task Stat_EachKind_ReportsKindSizeModeAndTarget()
    {
        var file = await WriteAsync("f.txt", "hello");
        Directory.CreateDirectory(Full("d"));
        File.CreateSymbolicLink(Full("l"), "f.txt");

        Assert.Equal(EntryKind.File, file.Kind);
        Assert.Equal(5, file.Size);
        Assert.NotEqual(0UL, file.Inode);
        Assert.Equal(new DateTimeOffset(File.GetLastWriteTimeUtc(Full("f.txt"))).ToUnixTimeMilliseconds(), file.MtimeNs / 1_000_000);
        Assert.Equal(EntryKind.Directory, (await _agent.StatAsync("d")).Kind);
        var link = await _agent.StatAsync("l");
        Assert.Equal(EntryKind.Symlink, link.Kind);
        Assert.Equal("f.txt", link.LinkTarget);
        Assert.Equal(FileState.Absent, await _agent.StatAsync("nope"));
        Assert.Equal(FileState.Absent, await _agent.StatAsync("nope/deeper"));
    }

    [AgentFact(Under = Launch.All)]
    public async Task Mkdir_Absent_CreatesWithExactMode()
    {
        var result = await _agent.RunAsync(new MkdirOp("d", 0x1FF, Expect.Absent));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal(EntryKind.Directory, result.State.Kind);
        Assert.Equal(0x1FFu, result.State.Mode); // 0777 despite the umask
    }

    [AgentFact]
    public async Task Mkdir_FileInTheWay_IsConflict()
    {
        var file = await WriteAsync("d", "x");

        var result = await _agent.RunAsync(new MkdirOp("d", 0x1ED, Expect.Absent));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.Equal(file, result.State);
        Assert.Equal("x", await File.ReadAllTextAsync(Full("d")));
    }

    [AgentFact(Under = Launch.All)]
    public async Task Move_File_RenamesKeepingInode()
    {
        var before = await WriteAsync("a.txt", "A");

        var result = await _agent.RunAsync(new MoveOp("a.txt", "b.txt", Expect.Is(before), Expect.Absent));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal(before.Inode, result.State.Inode);
        Assert.False(File.Exists(Full("a.txt")));
        Assert.Equal("A", await File.ReadAllTextAsync(Full("b.txt")));
    }

    [AgentFact]
    public async Task Move_Directory_MovesWholeTree()
    {
        Directory.CreateDirectory(Full("dir/sub"));
        await File.WriteAllTextAsync(Full("dir/sub/f"), "x");
        var dir = await _agent.StatAsync("dir");

        var result = await _agent.RunAsync(new MoveOp("dir", "renamed", Expect.Is(dir), Expect.Absent));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal(dir.Inode, result.State.Inode);
        Assert.Equal("x", await File.ReadAllTextAsync(Full("renamed/sub/f")));
    }

    [AgentFact(Under = Launch.All)]
    public async Task Move_SourceChanged_IsConflictAndNothingMoves()
    {
        var before = await WriteAsync("a.txt", "A");
        var now = await WriteAsync("a.txt", "changed");

        var result = await _agent.RunAsync(new MoveOp("a.txt", "b.txt", Expect.Is(before), Expect.Absent));

        Assert.Equal((OpStatus.Conflict, OpReason.SourceChanged), (result.Status, result.Reason));
        Assert.Equal(now, result.State);
        Assert.True(File.Exists(Full("a.txt")));
        Assert.False(File.Exists(Full("b.txt")));
    }

    [AgentFact]
    public async Task Move_TargetExistsButAbsentExpected_IsConflictAndBothKept()
    {
        var a = await WriteAsync("a.txt", "A");
        var b = await WriteAsync("b.txt", "B");

        var result = await _agent.RunAsync(new MoveOp("a.txt", "b.txt", Expect.Is(a), Expect.Absent));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.Equal(b, result.State);
        Assert.Equal("A", await File.ReadAllTextAsync(Full("a.txt")));
        Assert.Equal("B", await File.ReadAllTextAsync(Full("b.txt")));
    }

    [AgentFact]
    public async Task Move_OverExpectedTarget_DisplacedTargetGoesToTrash()
    {
        var a = await WriteAsync("a.txt", "A");
        var b = await WriteAsync("b.txt", "B");

        var result = await _agent.RunAsync(new MoveOp("a.txt", "b.txt", Expect.Is(a), Expect.Is(b)));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal("A", await File.ReadAllTextAsync(Full("b.txt")));
        Assert.Equal(["B"], TrashContents());
    }

    [AgentFact(Under = Launch.All)]
    public async Task Delete_File_GoesToTrashWithLog()
    {
        var f = await WriteAsync("sub/gone.txt", "keep me");

        var result = await _agent.RunAsync(new DeleteOp("sub/gone.txt", Expect.Is(f), Recursive: false));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.False(File.Exists(Full("sub/gone.txt")));
        Assert.Equal(["keep me"], TrashContents());
        var log = await File.ReadAllBytesAsync(Full(".psync/trash.log"));
        Assert.Contains("sub/gone.txt", System.Text.Encoding.UTF8.GetString(log));
    }

    [AgentFact]
    public async Task Delete_FileWhoseFolderWentFirst_IsConflictWithAbsent_NotAnError()
    {
        var f = await WriteAsync("dir/inner.txt", "inner");
        var dir = await _agent.StatAsync("dir");
        Assert.Equal(OpStatus.Ok, (await _agent.RunAsync(new DeleteOp("dir", Expect.Is(dir), Recursive: true))).Status);

        var result = await _agent.RunAsync(new DeleteOp("dir/inner.txt", Expect.Is(f), Recursive: false));

        // Planned again with "absent", where an error was retried with a backoff from the same stale plan.
        Assert.Equal((OpStatus.Conflict, FileState.Absent), (result.Status, result.State));
        Assert.Equal("inner", await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Full(".psync/trash"), "inner.txt", SearchOption.AllDirectories))));
    }

    [AgentFact]
    public async Task Delete_FileModifiedMeanwhile_IsConflictAndFileStays()
    {
        var before = await WriteAsync("f", "v1");
        var now = await WriteAsync("f", "version 2");

        var result = await _agent.RunAsync(new DeleteOp("f", Expect.Is(before), Recursive: false));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.Equal(now, result.State);
        Assert.Equal("version 2", await File.ReadAllTextAsync(Full("f")));
        Assert.Empty(TrashContents());
    }

    [AgentFact]
    public async Task Delete_FileReplacedBySameSizeAndMtime_IsConflictByInode()
    {
        var before = await WriteAsync("f", "aaaa");
        // Written beside and renamed over, so the new file cannot reuse the old inode number.
        await File.WriteAllTextAsync(Full("f.new"), "bbbb");
        File.Move(Full("f.new"), Full("f"), overwrite: true);
        var now = await _agent.StatAsync("f");
        Assert.NotEqual(before.Inode, now.Inode);

        var result = await _agent.RunAsync(new DeleteOp("f", Expect.Is(before with { MtimeNs = now.MtimeNs }), Recursive: false));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.Equal("bbbb", await File.ReadAllTextAsync(Full("f")));
    }

    [AgentFact]
    public async Task Delete_NonEmptyDirectoryWithoutRecursive_IsConflict()
    {
        await WriteAsync("d/f", "x");
        var d = await _agent.StatAsync("d");

        var result = await _agent.RunAsync(new DeleteOp("d", Expect.Is(d), Recursive: false));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.Contains("not empty", result.Message);
        Assert.True(File.Exists(Full("d/f")));
    }

    [AgentFact]
    public async Task Delete_EmptyDirectory_Removes()
    {
        Directory.CreateDirectory(Full("d"));
        var d = await _agent.StatAsync("d");

        var result = await _agent.RunAsync(new DeleteOp("d", Expect.Is(d), Recursive: false));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.False(Directory.Exists(Full("d")));
    }

    [AgentFact]
    public async Task Delete_DirectoryRecursive_WholeTreeToTrash()
    {
        await WriteAsync("d/a/f", "x");
        var d = await _agent.StatAsync("d");

        var result = await _agent.RunAsync(new DeleteOp("d", Expect.Is(d), Recursive: true));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.False(Directory.Exists(Full("d")));
        var trashed = Directory.GetDirectories(Full(".psync/trash")).Single();
        Assert.Equal("x", await File.ReadAllTextAsync(Path.Combine(trashed, "a/f")));
    }

    [AgentFact]
    public async Task Commit_Absent_RenamesStagedFileIntoPlace()
    {
        await WriteAsync(".psync/stage/b1/dir/new.txt", "staged");
        Directory.CreateDirectory(Full("dir"));

        var result = await _agent.RunAsync(new CommitOp(".psync/stage/b1/dir/new.txt", "dir/new.txt", Expect.Absent));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal(6, result.State.Size);
        Assert.Equal("staged", await File.ReadAllTextAsync(Full("dir/new.txt")));
        Assert.False(File.Exists(Full(".psync/stage/b1/dir/new.txt"))); // renamed, not copied
    }

    [AgentFact(Under = Launch.All)]
    public async Task Commit_OverExpectedVersion_OldVersionToTrash()
    {
        var old = await WriteAsync("f", "old");
        await WriteAsync(".psync/stage/b1/f", "new");

        var result = await _agent.RunAsync(new CommitOp(".psync/stage/b1/f", "f", Expect.Is(old)));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal("new", await File.ReadAllTextAsync(Full("f")));
        Assert.Equal(["old"], TrashContents());
    }

    [AgentFact(Under = Launch.All)]
    public async Task Commit_TargetChangedMeanwhile_IsConflictAndBothVersionsKept()
    {
        var old = await WriteAsync("f", "old");
        var mine = await WriteAsync("f", "user's newer edit");
        await WriteAsync(".psync/stage/b1/f", "from the other side");

        var result = await _agent.RunAsync(new CommitOp(".psync/stage/b1/f", "f", Expect.Is(old)));

        Assert.Equal((OpStatus.Conflict, OpReason.TargetChanged), (result.Status, result.Reason));
        Assert.Equal(mine, result.State);
        Assert.Equal("user's newer edit", await File.ReadAllTextAsync(Full("f")));
        Assert.Equal("from the other side", await File.ReadAllTextAsync(Full(".psync/stage/b1/f")));
    }

    [AgentFact]
    public async Task Commit_TargetCreatedWhereAbsentExpected_IsConflict()
    {
        var theirs = await WriteAsync("f", "created here");
        await WriteAsync(".psync/stage/b1/f", "from the other side");

        var result = await _agent.RunAsync(new CommitOp(".psync/stage/b1/f", "f", Expect.Absent));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.Equal(theirs, result.State);
        Assert.Equal("created here", await File.ReadAllTextAsync(Full("f")));
    }

    [AgentFact]
    public async Task Commit_DirectoryCreatedWhereAbsentExpected_IsConflictAndNothingMoved()
    {
        Directory.CreateDirectory(Full("f"));
        await WriteAsync("f/inside", "theirs");
        await WriteAsync(".psync/stage/b1/f", "from the other side");

        var result = await _agent.RunAsync(new CommitOp(".psync/stage/b1/f", "f", Expect.Absent));

        Assert.Equal((OpStatus.Conflict, EntryKind.Directory), (result.Status, result.State.Kind));
        Assert.Equal("theirs", await File.ReadAllTextAsync(Full("f/inside")));
        Assert.Equal("from the other side", await File.ReadAllTextAsync(Full(".psync/stage/b1/f")));
    }

    [AgentFact(Under = Launch.All)]
    public async Task Commit_StagedDirectory_IsPlacedWholeWithOneRename()
    {
        await WriteAsync(".psync/stage/b1/a/new/f1", "one");
        await WriteAsync(".psync/stage/b1/a/new/sub/f2", "two");
        Directory.CreateDirectory(Full("a"));

        var result = await _agent.RunAsync(new CommitOp(".psync/stage/b1/a/new", "a/new", Expect.Absent));

        Assert.Equal((OpStatus.Ok, EntryKind.Directory), (result.Status, result.State.Kind));
        Assert.Equal("one", await File.ReadAllTextAsync(Full("a/new/f1")));
        Assert.Equal("two", await File.ReadAllTextAsync(Full("a/new/sub/f2")));
        Assert.False(Directory.Exists(Full(".psync/stage/b1/a/new")));
    }

    [AgentFact(Under = Launch.All)]
    public async Task Commit_StagedDirectory_WhereTheNameAppeared_IsConflictAndNothingOverwritten()
    {
        await WriteAsync(".psync/stage/b1/new/f", "from the other side");
        await WriteAsync(".psync/stage/b1/taken/f", "from the other side");
        await WriteAsync("new/f", "created here meanwhile");
        var file = await WriteAsync("taken", "a file took the name");

        var intoDirectory = await _agent.RunAsync(new CommitOp(".psync/stage/b1/new", "new", Expect.Absent));
        var ontoFile = await _agent.RunAsync(new CommitOp(".psync/stage/b1/taken", "taken", Expect.Absent));

        Assert.Equal((OpStatus.Conflict, EntryKind.Directory), (intoDirectory.Status, intoDirectory.State.Kind));
        Assert.Equal("created here meanwhile", await File.ReadAllTextAsync(Full("new/f")));
        Assert.Equal((OpStatus.Conflict, file), (ontoFile.Status, ontoFile.State));
        Assert.Equal("a file took the name", await File.ReadAllTextAsync(Full("taken")));
        Assert.Equal("from the other side", await File.ReadAllTextAsync(Full(".psync/stage/b1/new/f")));
        Assert.Empty(TrashContents());
    }

    [AgentFact]
    public async Task Commit_StagedDirectory_OverAnExistingVersionOrDurable_IsRefused()
    {
        var old = await WriteAsync("d", "a file");
        await WriteAsync(".psync/stage/b1/d/f", "x");
        await WriteAsync(".psync/stage/b1/e/f", "x");

        var over = await _agent.RunAsync(new CommitOp(".psync/stage/b1/d", "d", Expect.Is(old)));
        var durable = await _agent.RunAsync(new CommitOp(".psync/stage/b1/e", "e", Expect.Absent, Durable: true));

        Assert.Equal(OpStatus.Error, over.Status);
        Assert.Equal(OpStatus.Error, durable.Status);
        Assert.Equal("a file", await File.ReadAllTextAsync(Full("d")));
        Assert.False(Directory.Exists(Full("e")));
    }

    [AgentFact]
    public async Task Commit_StagedPathOutsideStage_IsRefused()
    {
        await WriteAsync("elsewhere", "x");

        var result = await _agent.RunAsync(new CommitOp("elsewhere", "f", Expect.Absent));

        Assert.Equal(OpStatus.Error, result.Status);
        Assert.False(File.Exists(Full("f")));
    }

    [AgentFact]
    public async Task Commit_Durable_OnlyWhatWasStagedBeforeTheLastSync()
    {
        await WriteAsync(".psync/stage/b1/early.txt", "staged before the sync");

        var beforeAnySync = await _agent.RunAsync(new CommitOp(".psync/stage/b1/early.txt", "early.txt", Expect.Absent, Durable: true));
        // A sync whose start (on the coarse clock) is past the staged file's ctime lets it through;
        // a file staged in the sync's own clock tick waits for the next sync.
        OpResult early;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "no sync let the early file through");
            await Task.Delay(1);
            Assert.Equal(OpStatus.Ok, (await _agent.RunAsync(new SyncOp())).Status);
            early = await _agent.RunAsync(new CommitOp(".psync/stage/b1/early.txt", "early.txt", Expect.Absent, Durable: true));
        }
        while (early.Status != OpStatus.Ok);
        await WriteAsync(".psync/stage/b1/late.txt", "staged after the sync");
        var late = await _agent.RunAsync(new CommitOp(".psync/stage/b1/late.txt", "late.txt", Expect.Absent, Durable: true));

        Assert.Equal(OpStatus.Error, beforeAnySync.Status);
        Assert.Contains("not durable yet", beforeAnySync.Message, StringComparison.Ordinal);
        Assert.Equal(OpStatus.Error, late.Status);
        Assert.True(File.Exists(Full("early.txt")));
        Assert.False(File.Exists(Full("late.txt")));
    }

    [AgentFact]
    public async Task SetAttr_Owner_IsSetAsRoot()
    {
        var f = await WriteAsync("f", "x");
        Directory.CreateDirectory(Full("d"));

        var file = await _agent.RunAsync(new SetAttrOp("f", Expect.Is(f), null, null, (1234, 2345)));
        var dir = await _agent.RunAsync(new MkdirOp("d2", 0x1ED, Expect.Absent, (4321, 5432)));

        Assert.Equal((OpStatus.Ok, OpReason.None, 1234u, 2345u), (file.Status, file.Reason, file.State.Uid, file.State.Gid));
        Assert.Equal((OpStatus.Ok, 4321u, 5432u), (dir.Status, dir.State.Uid, dir.State.Gid));
        Assert.Equal(0x1EDu, dir.State.Mode);
    }

    [AgentFact(Under = Launch.All)]
    public async Task SetAttr_ModeAndMtime_AreApplied()
    {
        var f = await WriteAsync("f", "x");
        const long mtime = 1_600_000_000_123_456_789;

        var result = await _agent.RunAsync(new SetAttrOp("f", Expect.Is(f), 0x1C0, mtime));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal(0x1C0u, result.State.Mode);
        Assert.Equal(mtime, result.State.MtimeNs);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Full("f")));
    }

    [AgentFact]
    public async Task SetAttr_ContentChanged_IsConflict()
    {
        var before = await WriteAsync("f", "x");
        await WriteAsync("f", "longer now");

        var result = await _agent.RunAsync(new SetAttrOp("f", Expect.Is(before), 0x1C0, null));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.NotEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Full("f")));
    }

    [AgentFact(Under = Launch.All)]
    public async Task Symlink_CreateAndReplace_NeverFollowed()
    {
        var created = await _agent.RunAsync(new SymlinkOp("link", "/etc/passwd", Expect.Absent));
        Assert.Equal(OpStatus.Ok, created.Status);
        Assert.Equal("/etc/passwd", created.State.LinkTarget);

        var replaced = await _agent.RunAsync(new SymlinkOp("link", "../other", Expect.Is(created.State)));

        Assert.Equal(OpStatus.Ok, replaced.Status);
        Assert.Equal("../other", new FileInfo(Full("link")).LinkTarget);
        Assert.Single(TrashContents()); // the old link is kept
    }

    [AgentFact]
    public async Task Symlink_ExpectationWrong_IsConflict()
    {
        var f = await WriteAsync("link", "a file now");

        var result = await _agent.RunAsync(new SymlinkOp("link", "target", Expect.Absent));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.Equal(f, result.State);
        Assert.Equal("a file now", await File.ReadAllTextAsync(Full("link")));
    }

    [AgentFact(Under = Launch.All)]
    public async Task Hash_File_IsSha256()
    {
        await WriteAsync("f", "hash me");

        var result = await _agent.RunAsync(new HashOp("f"));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("hash me"u8)), result.Data);
    }

    [AgentTheory]
    [InlineData(0)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(65_536 + 63)]
    [InlineData(3_000_001)]
    public async Task Hash_SizesAroundTheBlockAndBufferEdges_MatchesSha256(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        await File.WriteAllBytesAsync(Full("f"), bytes);

        var result = await _agent.RunAsync(new HashOp("f"));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Data);
    }

    [AgentFact(Under = Launch.All)]
    public async Task ReadHead_File_ReturnsTheFirstBytesAndTheState()
    {
        var state = await WriteAsync("d/f.txt", "0123456789");

        var head = await _agent.RunAsync(new ReadHeadOp("d/f.txt", 4));
        var whole = await _agent.RunAsync(new ReadHeadOp("d/f.txt", 1000));

        Assert.Equal(OpStatus.Ok, head.Status);
        Assert.Equal("0123", System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(head.Data!)));
        Assert.Equal(state, head.State);
        Assert.Equal("0123456789", System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(whole.Data!)));
    }

    [AgentFact]
    public async Task ReadHead_MoreThanTheLimit_ReturnsTheLimit()
    {
        await File.WriteAllBytesAsync(Full("big"), new byte[ReadHeadOp.Limit + 10]);

        var result = await _agent.RunAsync(new ReadHeadOp("big", int.MaxValue));

        Assert.Equal(ReadHeadOp.Limit, Convert.FromBase64String(result.Data!).Length);
    }

    [AgentFact]
    public async Task ReadHead_OutsideTheRootOrNotAFile_IsRefused()
    {
        var outside = _agent.NewOutsideDirectory();
        await File.WriteAllTextAsync(Path.Combine(outside, "secret"), "secret");
        File.CreateSymbolicLink(Full("link"), _agent.SeenByAgent(Path.Combine(outside, "secret")));
        Directory.CreateDirectory(Full("dir"));
        await WriteAsync(".psync/trash/t", "own area");

        foreach (var path in new[] { $"../{Path.GetFileName(outside)}/secret", "link", "dir", ".psync/trash/t", "missing" })
        {
            var result = await _agent.RunAsync(new ReadHeadOp(path, 100));

            Assert.NotEqual(OpStatus.Ok, result.Status);
            Assert.Null(result.Data);
        }
        Assert.Equal(OpStatus.Error, (await _agent.RunAsync(new ReadHeadOp("x", -1))).Status);
    }

    [AgentFact(Under = Launch.All)]
    public async Task RemoveStage_Batch_RemovesWhatIsLeft()
    {
        await WriteAsync(".psync/stage/b7/x/y", "left over");

        var result = await _agent.RunAsync(new RemoveStageOp("b7"));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.False(Directory.Exists(Full(".psync/stage/b7")));
        Assert.Equal(OpStatus.Error, (await _agent.RunAsync(new RemoveStageOp("../../x"))).Status);
    }

    [AgentFact(Under = Launch.All)]
    public async Task Purge_OldTrashAndStaleStage_AreRemovedRecentKept()
    {
        Directory.CreateDirectory(Full(".psync/trash/20200101T000000.000Z-1-1"));
        await File.WriteAllTextAsync(Full(".psync/trash/20200101T000000.000Z-1-2"), "old");
        await File.WriteAllTextAsync(Full(".psync/trash/29990101T000000.000Z-1-3"), "recent");
        await File.WriteAllTextAsync(Full(".psync/trash.log"), "20200101T000000.000Z-1-2\0old.txt\029990101T000000.000Z-1-3\0recent.txt\0");
        Directory.CreateDirectory(Full(".psync/stage/20200101000000-1-1/a"));
        Directory.CreateDirectory(Full(".psync/stage/29990101000000-1-2"));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var result = await _agent.RunAsync(new PurgeOp(now, now));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal("3", result.Data);
        Assert.Equal(["29990101T000000.000Z-1-3"], Directory.GetFileSystemEntries(Full(".psync/trash")).Select(Path.GetFileName));
        Assert.Equal("29990101T000000.000Z-1-3\0recent.txt\0", await File.ReadAllTextAsync(Full(".psync/trash.log")));
        Assert.Equal(["29990101000000-1-2"], Directory.GetFileSystemEntries(Full(".psync/stage")).Select(Path.GetFileName));
    }

    [AgentTheory]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../escape")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("")]
    [InlineData(".psync/trash/x")]
    public async Task AnyOperation_PathNotConfined_IsRefused(string path)
    {
        var results = new[]
        {
            await _agent.RunAsync(new MkdirOp(path, 0x1ED, Expect.Absent)),
            await _agent.RunAsync(new DeleteOp(path, Expect.Anything, Recursive: true)),
            await _agent.RunAsync(new SymlinkOp(path, "x", Expect.Absent)),
            await _agent.RunAsync(new MoveOp(".psync/x", path, Expect.Anything, Expect.Anything)),
        };

        Assert.All(results, r => Assert.Equal(OpStatus.Error, r.Status));
        Assert.True(File.Exists("/etc/passwd"));
    }

    [AgentFact]
    public async Task AnyOperation_SymlinkedParentLeadingOutside_IsRefused()
    {
        var outside = _agent.NewOutsideDirectory();
        await File.WriteAllTextAsync(Path.Combine(outside, "victim"), "outside");
        File.CreateSymbolicLink(Full("out"), _agent.SeenByAgent(outside));

        var delete = await _agent.RunAsync(new DeleteOp("out/victim", Expect.Anything, Recursive: false));
        var mkdir = await _agent.RunAsync(new MkdirOp("out/newdir", 0x1ED, Expect.Absent));
        var stat = await _agent.StatAsync("out/victim");

        Assert.Equal(OpStatus.Error, delete.Status);
        Assert.Contains("symlinked parents are never followed", delete.Message);
        Assert.Equal(OpStatus.Error, mkdir.Status);
        Assert.Equal(FileState.Absent, stat);
        Assert.Equal("outside", await File.ReadAllTextAsync(Path.Combine(outside, "victim")));
        Assert.False(Directory.Exists(Path.Combine(outside, "newdir")));
    }

    // Built at run time: xUnit v2 serializes [InlineData] strings and would turn the escaped
    // (invalid UTF-8) bytes into U+FFFD.
    public static TheoryData<string> OddNames() => ["line\nbreak", "co:lon", "-leading-dash", "spaces and * star", "bad\uDCFF\uDCFEutf8"];

    [AgentTheory]
    [MemberData(nameof(OddNames), DisableDiscoveryEnumeration = true)]
    public async Task Operations_OddNames_RoundTripExactly(string name)
    {
        var made = await _agent.RunAsync(new MkdirOp(name, 0x1ED, Expect.Absent));
        var linked = await _agent.RunAsync(new SymlinkOp($"{name}/link", name, Expect.Absent));
        var moved = await _agent.RunAsync(new MoveOp($"{name}/link", $"{name}/{name}", Expect.Is(linked.State), Expect.Absent));

        Assert.Equal(OpStatus.Ok, made.Status);
        Assert.Equal(OpStatus.Ok, moved.Status);
        Assert.Equal(name.Contains('\uDCFF', StringComparison.Ordinal), name.StartsWith("bad", StringComparison.Ordinal));
        Assert.Equal(name, moved.State.LinkTarget);
        var scanned = (await _agent.ScanAsync()).Select(e => e.Path).ToList();
        Assert.Equal([name, $"{name}/{name}"], scanned);
    }
}

public sealed class NativeOperationTests : OperationTests<NativeLauncher>;

public sealed class EmptyRootOperationTests : OperationTests<EmptyRootLauncher>;

/// <summary>Every operation once, and compare-and-swap conflicts (a stale expectation is refused).</summary>
public sealed class QemuArm64OperationTests : OperationTests<QemuArm64Launcher>;
