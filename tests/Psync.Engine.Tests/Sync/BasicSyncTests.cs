using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>Each kind of change, made on each side, converges on the other within 2 s of the last write: local pair.</summary>
public sealed class BasicSyncTests : BasicSyncTestsBase
{
    private protected override PairHarness Create() => PairHarness.Create();
}

/// <summary>The same over ssh (a real sshd on loopback; the right root is another path).</summary>
public sealed class RemoteBasicSyncTests(SshdFixture sshd) : BasicSyncTestsBase, IClassFixture<SshdFixture>
{
    private protected override PairHarness Create() => PairHarness.CreateRemote(sshd);
}

public abstract class BasicSyncTestsBase : PairTestBase
{

    private string Other(Side side, string rel) => At(side.Other(), rel);

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task CreateModifyAppend_OnOneSide_ArriveOnTheOther(Side side)
    {
        await File.WriteAllTextAsync(At(side, "f.txt"), "one");
        await Harness.WaitConvergedAsync();
        await File.WriteAllTextAsync(At(side, "f.txt"), "two, longer");
        await Harness.WaitConvergedAsync();
        await File.AppendAllTextAsync(At(side, "f.txt"), " + appended");
        await Harness.WaitConvergedAsync();

        Assert.Equal("two, longer + appended", await File.ReadAllTextAsync(Other(side, "f.txt")));
    }

    /// <summary>
    /// rsync's quick check takes a basis of the same size and the same whole second as up to date;
    /// with the live file as the basis that would commit the old content as the new one. Found by the chaos run.
    /// </summary>
    [Theory]
    [MemberData(nameof(Sides))]
    public async Task SameSizeEditWithinTheSameSecond_ArrivesAnyway(Side side)
    {
        var second = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        await File.WriteAllTextAsync(At(side, "same.txt"), "aaaa");
        File.SetLastWriteTimeUtc(At(side, "same.txt"), second);
        await Harness.WaitConvergedAsync();

        await File.WriteAllTextAsync(At(side, "same.txt"), "bbbb");
        File.SetLastWriteTimeUtc(At(side, "same.txt"), second.AddMilliseconds(500));
        await Harness.WaitConvergedAsync();

        Assert.Equal("bbbb", await File.ReadAllTextAsync(Other(side, "same.txt")));
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task RenameFile_OnOneSide_IsRenamedOnTheOther(Side side)
    {
        await File.WriteAllTextAsync(At(side, "old.txt"), "content");
        await Harness.WaitConvergedAsync();
        var sentBefore = Harness.Pair.Counters.FilesTransferred;

        File.Move(At(side, "old.txt"), At(side, "new.txt"));
        await Harness.WaitConvergedAsync();

        Assert.False(File.Exists(Other(side, "old.txt")));
        Assert.Equal("content", await File.ReadAllTextAsync(Other(side, "new.txt")));
        Assert.Equal(sentBefore, Harness.Pair.Counters.FilesTransferred);
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task RenameDirectoryOfThousandFiles_IsOneRenameWithNoDataSent(Side side)
    {
        Directory.CreateDirectory(At(side, "big"));
        for (var i = 0; i < 1000; i++)
        {
            await File.WriteAllTextAsync(At(side, $"big/f{i:D4}"), $"file {i}");
        }
        await Harness.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        var before = Harness.Pair.Counters;

        Directory.Move(At(side, "big"), At(side, "renamed"));
        await Harness.WaitConvergedAsync();

        var after = Harness.Pair.Counters;
        Assert.Equal(before.FilesTransferred, after.FilesTransferred);
        Assert.Equal(before.BytesTransferred, after.BytesTransferred);
        Assert.Equal(before.RsyncRuns, after.RsyncRuns);
        Assert.Equal(before.Moves + 1, after.Moves);
        Assert.Equal(1000, Directory.GetFiles(Other(side, "renamed")).Length);
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task DeleteFileAndTree_OnOneSide_GoToTheTrashOnTheOther(Side side)
    {
        Directory.CreateDirectory(At(side, "tree/sub"));
        await File.WriteAllTextAsync(At(side, "tree/sub/deep.txt"), "deep");
        await File.WriteAllTextAsync(At(side, "tree/top.txt"), "top");
        await File.WriteAllTextAsync(At(side, "single.txt"), "single");
        await Harness.WaitConvergedAsync();

        File.Delete(At(side, "single.txt"));
        Directory.Delete(At(side, "tree"), recursive: true);
        await Harness.WaitConvergedAsync();

        Assert.False(File.Exists(Other(side, "single.txt")));
        Assert.False(Directory.Exists(Other(side, "tree")));
        var trash = Directory.GetFiles(Other(side, ".psync/trash")).Select(File.ReadAllText).Order();
        Assert.Equal(["deep", "single", "top"], trash);
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task EmptyDirectorySymlinkAndChmod_OnOneSide_ArriveOnTheOther(Side side)
    {
        Directory.CreateDirectory(At(side, "empty/nested"));
        File.CreateSymbolicLink(At(side, "link"), "../outside/target");
        await File.WriteAllTextAsync(At(side, "script.sh"), "#!/bin/sh");
        await Harness.WaitConvergedAsync();

        File.SetUnixFileMode(At(side, "script.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await Harness.WaitConvergedAsync();

        Assert.True(Directory.Exists(Other(side, "empty/nested")));
        Assert.Equal("../outside/target", new FileInfo(Other(side, "link")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Other(side, "script.sh")));
    }

    [Fact]
    public async Task OneWrite_IsExactlyOneTransferAndNoBounce()
    {
        await File.WriteAllTextAsync(Harness.L("once.txt"), "only once");

        await Harness.WaitConvergedAsync();

        Assert.Equal(1, Harness.Pair.Counters.FilesTransferred);
        var events = Harness.Pair.History.Where(e => e.Path == "once.txt").ToList();
        Assert.Single(events);
        Assert.Equal((EventKind.Transfer, Side.Right), (events[0].Kind, events[0].Target!.Value));
    }

    [Fact]
    public async Task FileReplacedByDirectory_AndBack_Converges()
    {
        await File.WriteAllTextAsync(Harness.L("x"), "file");
        await Harness.WaitConvergedAsync();

        File.Delete(Harness.L("x"));
        Directory.CreateDirectory(Harness.L("x"));
        await File.WriteAllTextAsync(Harness.L("x/inside"), "in");
        await Harness.WaitConvergedAsync();
        Directory.Delete(Harness.R("x"), recursive: true);
        await File.WriteAllTextAsync(Harness.R("x"), "file again");
        await Harness.WaitConvergedAsync();

        Assert.Equal("file again", await File.ReadAllTextAsync(Harness.L("x")));
    }
}
