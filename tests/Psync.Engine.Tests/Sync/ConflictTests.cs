using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

public sealed class ConflictTests : ConflictTestsBase
{
    private protected override PairHarness Create() => PairHarness.Create();
}

public sealed class RemoteConflictTests(SshdFixture sshd) : ConflictTestsBase, IClassFixture<SshdFixture>
{
    private protected override PairHarness Create() => PairHarness.CreateRemote(sshd);
}

public abstract class ConflictTestsBase : PairTestBase
{
    private static string[] Names(string dir) => [.. Directory.GetFiles(dir).Select(Path.GetFileName).Order()!];

    [Fact]
    public async Task SameFileEditedOnBothSides_BothVersionsKeptAndListed()
    {
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "original");
        await Harness.WaitConvergedAsync();

        await Task.WhenAll(
            File.WriteAllTextAsync(Harness.L("doc.txt"), "left edit"),
            File.WriteAllTextAsync(Harness.R("doc.txt"), "right edit, longer"));
        await Harness.WaitConvergedAsync();

        var names = Names(Harness.Left);
        Assert.Equal(2, names.Length);
        var copy = Assert.Single(names, n => n.Contains(".psync-conflict-", StringComparison.Ordinal));
        Assert.Matches(@"^doc\.psync-conflict-\d{8}-\d{6}-(left|right)\.txt$", copy);
        var contents = names.Select(n => File.ReadAllText(Path.Combine(Harness.Left, n))).Order();
        Assert.Equal(["left edit", "right edit, longer"], contents);
        var conflict = Assert.Single(Harness.Pair.Conflicts);
        Assert.Equal(("doc.txt", copy, false), (conflict.Path, conflict.ConflictCopy, conflict.Resolved));
    }

    /// <summary>
    /// Both sides write other bytes of the same length with the same mtime (two writes within one
    /// tick of a coarse clock, or a tool that sets mtimes): size and mtime cannot tell them apart,
    /// the hashes do. Found by the chaos run.
    /// </summary>
    [Fact]
    public async Task BothChangedToTheSameSizeAndMtime_OtherBytes_BothVersionsKept()
    {
        var stamp = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        await File.WriteAllTextAsync(Harness.L("twin.txt"), "original");
        await Harness.WaitConvergedAsync();
        await Harness.StopAsync();

        await File.WriteAllTextAsync(Harness.L("twin.txt"), "left's 1");
        await File.WriteAllTextAsync(Harness.R("twin.txt"), "right's2");
        File.SetLastWriteTimeUtc(Harness.L("twin.txt"), stamp);
        File.SetLastWriteTimeUtc(Harness.R("twin.txt"), stamp);
        await Harness.RestartAsync();
        await Harness.WaitConvergedAsync();

        var contents = Names(Harness.Left).Select(n => File.ReadAllText(Path.Combine(Harness.Left, n))).Order();
        Assert.Equal(["left's 1", "right's2"], contents);
    }

    [Fact]
    public async Task ReadHead_BothVersionsOfAConflict_ReadThroughEachSidesAgentConfinedToItsRoot()
    {
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "original");
        await Harness.WaitConvergedAsync();
        await Harness.StopAsync();
        await File.WriteAllTextAsync(Harness.L("doc.txt"), "left edit");
        await File.WriteAllTextAsync(Harness.R("doc.txt"), "right edit, longer");
        await Harness.RestartAsync();
        await Harness.WaitConvergedAsync();
        var conflict = Assert.Single(Harness.Pair.Conflicts);

        var left = await Harness.Pair.ReadHeadAsync(Side.Left, conflict.VersionPath(Side.Left)!, 1000, CancellationToken.None);
        var right = await Harness.Pair.ReadHeadAsync(Side.Right, conflict.VersionPath(Side.Right)!, 5, CancellationToken.None);

        Assert.Equal("left edit", System.Text.Encoding.UTF8.GetString(left.Head));
        Assert.Equal((9L, EntryKind.File), (left.State.Size, left.State.Kind));
        Assert.Equal("right", System.Text.Encoding.UTF8.GetString(right.Head));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Harness.Pair.ReadHeadAsync(Side.Right, "../outside.txt", 10, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Harness.Pair.ReadHeadAsync(Side.Left, ".psync/conflicts.db", 10, CancellationToken.None));
    }

    [Fact]
    public async Task ModifiedOnOneSideDeletedOnTheOther_ModificationWins()
    {
        await File.WriteAllTextAsync(Harness.L("keep.txt"), "v1");
        await Harness.WaitConvergedAsync();
        await Harness.StopAsync();

        await File.WriteAllTextAsync(Harness.L("keep.txt"), "v2 from left");
        File.Delete(Harness.R("keep.txt"));
        await Harness.RestartAsync();
        await Harness.WaitConvergedAsync();

        Assert.Equal("v2 from left", await File.ReadAllTextAsync(Harness.R("keep.txt")));
    }

    [Fact]
    public async Task FirstSync_DifferingFiles_BecomeAConflictPair()
    {
        await Harness.StopAsync();
        Directory.Delete(Harness.Options.DataDir, recursive: true); // no index: a first sync
        await File.WriteAllTextAsync(Harness.L("both.txt"), "left's");
        await File.WriteAllTextAsync(Harness.R("both.txt"), "right's version");
        await File.WriteAllTextAsync(Harness.L("same.txt"), "same");
        File.Copy(Harness.L("same.txt"), Harness.R("same.txt"));
        File.SetLastWriteTimeUtc(Harness.R("same.txt"), File.GetLastWriteTimeUtc(Harness.L("same.txt")));
        await File.WriteAllTextAsync(Harness.L("only-left.txt"), "l");
        await File.WriteAllTextAsync(Harness.R("only-right.txt"), "r");

        await Harness.RestartAsync();
        await Harness.WaitConvergedAsync();

        Assert.Equal(5, Names(Harness.Left).Length); // both.txt, its conflict copy, same.txt, only-left, only-right
        Assert.Single(Harness.Pair.Conflicts);
        // only-left and only-right once each, both.txt's winner and its conflict copy once each;
        // same.txt has the same bytes (only its mtime lost precision in the copy): no transfer, no conflict.
        Assert.Equal(4, Harness.Pair.Counters.FilesTransferred);
    }

    [Theory]
    [InlineData(ConflictResolution.KeepLeft)]
    [InlineData(ConflictResolution.KeepRight)]
    [InlineData(ConflictResolution.KeepBoth)]
    public async Task Resolve_Conflict_LeavesTheChosenVersion(ConflictResolution resolution)
    {
        await File.WriteAllTextAsync(Harness.L("r.txt"), "base");
        await Harness.WaitConvergedAsync();
        await Harness.StopAsync();
        await File.WriteAllTextAsync(Harness.L("r.txt"), "LEFT");
        await File.WriteAllTextAsync(Harness.R("r.txt"), "RIGHT");
        await Harness.RestartAsync();
        await Harness.WaitConvergedAsync();
        var conflict = Assert.Single(Harness.Pair.Conflicts);

        await Harness.Pair.ResolveConflictAsync(conflict.Id, resolution, CancellationToken.None);
        await Harness.WaitConvergedAsync();

        var expected = resolution switch
        {
            ConflictResolution.KeepLeft => new[] { "LEFT" },
            ConflictResolution.KeepRight => ["RIGHT"],
            _ => ["LEFT", "RIGHT"],
        };
        Assert.Equal(expected, Names(Harness.Left).Select(n => File.ReadAllText(Path.Combine(Harness.Left, n))).Order());
        Assert.Equal(resolution == ConflictResolution.KeepBoth ? 2 : 1, Names(Harness.Left).Length);
        Assert.Equal("r.txt", Names(Harness.Left).Last(n => !n.Contains("conflict", StringComparison.Ordinal)));
        Assert.True(Harness.Pair.Conflicts.Single().Resolved);
    }
}

public sealed class ConflictPersistenceTests
{
    [Fact]
    public async Task Conflicts_SurviveARestart_AndTheCliListsThem()
    {
        await using var pair = PairHarness.Create();
        await pair.StartAsync();
        await File.WriteAllTextAsync(pair.L("both.txt"), "base");
        await pair.WaitConvergedAsync();
        await pair.StopAsync();
        await File.WriteAllTextAsync(pair.L("both.txt"), "left");
        await File.WriteAllTextAsync(pair.R("both.txt"), "right!");
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();
        var conflict = Assert.Single(pair.Pair.Conflicts);

        await pair.StopAsync();
        await pair.RestartAsync();
        var listed = await Cli.PsyncProcess.RunAsync("conflicts", "--data-dir", pair.Options.DataDir, pair.Left, pair.Right);

        Assert.Equal(conflict with { Time = pair.Pair.Conflicts.Single().Time }, pair.Pair.Conflicts.Single());
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("unresolved both.txt", listed.Stdout);
        Assert.Contains(conflict.ConflictCopy, listed.Stdout);
        Assert.Contains("1 unresolved, 0 resolved", listed.Stdout);
    }
}
