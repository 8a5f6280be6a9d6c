using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>Changes that race with each other or with the engine: each was once a way to lose or resurrect something.</summary>
public sealed class RaceTests : IAsyncLifetime
{
    private PairHarness _pair = null!;
    private string _outside = null!;

    public async Task InitializeAsync()
    {
        _pair = PairHarness.Create();
        _outside = Directory.CreateDirectory(Path.Combine(_pair.Dir, "outside")).FullName;
        await _pair.StartAsync();
    }

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task DirectoryWrittenThenMovedAway_LeavesNothingBehindAndGoesIdle()
    {
        Directory.CreateDirectory(_pair.L("d"));
        await File.WriteAllTextAsync(_pair.L("d/f"), "x");
        Directory.Move(_pair.L("d"), Path.Combine(_outside, "d"));

        await _pair.WaitConvergedAsync();

        Assert.False(Directory.Exists(_pair.R("d")));
    }

    [Fact]
    public async Task FilesWrittenThenDirectoryRenamed_ArriveUnderTheNewName()
    {
        Directory.CreateDirectory(_pair.L("tmp"));
        for (var i = 0; i < 5; i++)
        {
            await File.WriteAllTextAsync(_pair.L($"tmp/f{i}"), $"{i}");
        }
        Directory.Move(_pair.L("tmp"), _pair.L("out"));

        await _pair.WaitConvergedAsync();

        Assert.Equal(5, Directory.GetFiles(_pair.R("out")).Length);
    }

    [Fact]
    public async Task FileAppendedThenDirectoryRenamed_KeepsTheAppendedVersion()
    {
        Directory.CreateDirectory(_pair.L("d"));
        await File.WriteAllTextAsync(_pair.L("d/f"), "one");
        await _pair.WaitConvergedAsync();

        await File.AppendAllTextAsync(_pair.L("d/f"), " two");
        Directory.Move(_pair.L("d"), _pair.L("e"));
        await _pair.WaitConvergedAsync();

        Assert.Equal("one two", await File.ReadAllTextAsync(_pair.R("e/f")));
    }

    [Fact]
    public async Task SyncedDirectoryMovedOutOfTheTree_IsGoneOnBothSidesAndStaysGone()
    {
        Directory.CreateDirectory(_pair.L("d/sub"));
        await File.WriteAllTextAsync(_pair.L("d/a"), "a");
        await File.WriteAllTextAsync(_pair.L("d/sub/b"), "b");
        await _pair.WaitConvergedAsync();

        Directory.Move(_pair.L("d"), Path.Combine(_outside, "d")); // a file manager's "move to trash"
        await _pair.WaitConvergedAsync();

        Assert.False(Directory.Exists(_pair.L("d")));
        Assert.False(Directory.Exists(_pair.R("d")));
        Assert.Equal(["a", "b"], Directory.GetFiles(_pair.R(".psync/trash")).Select(File.ReadAllText).Order());
    }

    [Fact]
    public async Task ModeChangedThenRenamed_TheModeArrivesToo()
    {
        await File.WriteAllTextAsync(_pair.L("a"), "x");
        await _pair.WaitConvergedAsync();

        File.SetUnixFileMode(_pair.L("a"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Move(_pair.L("a"), _pair.L("b"));
        await _pair.WaitConvergedAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_pair.R("b")));
    }

    [Fact]
    public async Task DeleteOnOneSideWhileTheOtherRenamesTheDirectory_DeleteFollowsTheRename()
    {
        Directory.CreateDirectory(_pair.L("d"));
        await File.WriteAllTextAsync(_pair.L("d/g"), "g");
        await File.WriteAllTextAsync(_pair.L("d/keep"), "keep");
        await _pair.WaitConvergedAsync();

        File.Delete(_pair.R("d/g"));
        Directory.Move(_pair.L("d"), _pair.L("e"));
        await _pair.WaitConvergedAsync();

        Assert.Equal(["keep"], Directory.GetFiles(_pair.L("e")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task HardLink_HasNoWriteEventAndStillSyncs()
    {
        await File.WriteAllTextAsync(_pair.L("a"), "linked");
        await _pair.WaitConvergedAsync();

        using (var ln = System.Diagnostics.Process.Start("ln", [_pair.L("a"), _pair.L("b")]))
        {
            await ln.WaitForExitAsync();
        }
        await _pair.WaitConvergedAsync();

        Assert.Equal("linked", await File.ReadAllTextAsync(_pair.R("b")));
    }

    [Fact]
    public async Task FileSwappedForSymlinkRepeatedly_PairKeepsRunningAndConverges()
    {
        for (var i = 0; i < 30; i++)
        {
            await File.WriteAllTextAsync(_pair.L("flip"), $"version {i}");
            File.Delete(_pair.L("flip"));
            File.CreateSymbolicLink(_pair.L("flip"), $"target-{i}");
        }

        await _pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("target-29", new FileInfo(_pair.R("flip")).LinkTarget);
        Assert.NotEqual(PairState.Error, _pair.Pair.Status.State);
    }
}
