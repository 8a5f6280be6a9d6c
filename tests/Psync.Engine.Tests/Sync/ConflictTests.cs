using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

public sealed class ConflictTests : ConflictTestsBase
{
    private protected override PairHarness Create() => PairHarness.Create();
}

public sealed class RemoteConflictTests(Remote.SshdFixture sshd) : ConflictTestsBase, IClassFixture<Remote.SshdFixture>
{
    private protected override PairHarness Create() => PairHarness.CreateRemote(sshd);
}

public abstract class ConflictTestsBase : IAsyncLifetime
{
    private PairHarness _pair = null!;

    private protected abstract PairHarness Create();

    public async Task InitializeAsync()
    {
        _pair = Create();
        await _pair.StartAsync();
    }

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    private static string[] Names(string dir) => [.. Directory.GetFiles(dir).Select(Path.GetFileName).Order()!];

    [Fact]
    public async Task SameFileEditedOnBothSides_BothVersionsKeptAndListed()
    {
        await File.WriteAllTextAsync(_pair.L("doc.txt"), "original");
        await _pair.WaitConvergedAsync();

        await Task.WhenAll(
            File.WriteAllTextAsync(_pair.L("doc.txt"), "left edit"),
            File.WriteAllTextAsync(_pair.R("doc.txt"), "right edit, longer"));
        await _pair.WaitConvergedAsync();

        var names = Names(_pair.Left);
        Assert.Equal(2, names.Length);
        var copy = Assert.Single(names, n => n.Contains(".psync-conflict-", StringComparison.Ordinal));
        Assert.Matches(@"^doc\.psync-conflict-\d{8}-\d{6}-(left|right)\.txt$", copy);
        var contents = names.Select(n => File.ReadAllText(Path.Combine(_pair.Left, n))).Order();
        Assert.Equal(["left edit", "right edit, longer"], contents);
        var conflict = Assert.Single(_pair.Pair.Conflicts);
        Assert.Equal(("doc.txt", copy, false), (conflict.Path, conflict.ConflictCopy, conflict.Resolved));
    }

    [Fact]
    public async Task ModifiedOnOneSideDeletedOnTheOther_ModificationWins()
    {
        await File.WriteAllTextAsync(_pair.L("keep.txt"), "v1");
        await _pair.WaitConvergedAsync();
        await _pair.StopAsync();

        await File.WriteAllTextAsync(_pair.L("keep.txt"), "v2 from left");
        File.Delete(_pair.R("keep.txt"));
        await _pair.RestartAsync();
        await _pair.WaitConvergedAsync();

        Assert.Equal("v2 from left", await File.ReadAllTextAsync(_pair.R("keep.txt")));
    }

    [Fact]
    public async Task FirstSync_DifferingFiles_BecomeAConflictPair()
    {
        await _pair.StopAsync();
        Directory.Delete(_pair.Options.DataDir, recursive: true); // no index: a first sync
        await File.WriteAllTextAsync(_pair.L("both.txt"), "left's");
        await File.WriteAllTextAsync(_pair.R("both.txt"), "right's version");
        await File.WriteAllTextAsync(_pair.L("same.txt"), "same");
        File.Copy(_pair.L("same.txt"), _pair.R("same.txt"));
        File.SetLastWriteTimeUtc(_pair.R("same.txt"), File.GetLastWriteTimeUtc(_pair.L("same.txt")));
        await File.WriteAllTextAsync(_pair.L("only-left.txt"), "l");
        await File.WriteAllTextAsync(_pair.R("only-right.txt"), "r");

        await _pair.RestartAsync();
        await _pair.WaitConvergedAsync();

        Assert.Equal(5, Names(_pair.Left).Length); // both.txt, its conflict copy, same.txt, only-left, only-right
        Assert.Single(_pair.Pair.Conflicts);
        // only-left and only-right once each, both.txt's winner and its conflict copy once each;
        // same.txt has the same bytes (only its mtime lost precision in the copy): no transfer, no conflict.
        Assert.Equal(4, _pair.Pair.Counters.FilesTransferred);
    }

    [Theory]
    [InlineData(ConflictResolution.KeepLeft)]
    [InlineData(ConflictResolution.KeepRight)]
    [InlineData(ConflictResolution.KeepBoth)]
    public async Task Resolve_Conflict_LeavesTheChosenVersion(ConflictResolution resolution)
    {
        await File.WriteAllTextAsync(_pair.L("r.txt"), "base");
        await _pair.WaitConvergedAsync();
        await _pair.StopAsync();
        await File.WriteAllTextAsync(_pair.L("r.txt"), "LEFT");
        await File.WriteAllTextAsync(_pair.R("r.txt"), "RIGHT");
        await _pair.RestartAsync();
        await _pair.WaitConvergedAsync();
        var conflict = Assert.Single(_pair.Pair.Conflicts);

        await _pair.Pair.ResolveConflictAsync(conflict.Id, resolution, CancellationToken.None);
        await _pair.WaitConvergedAsync();

        var expected = resolution switch
        {
            ConflictResolution.KeepLeft => new[] { "LEFT" },
            ConflictResolution.KeepRight => ["RIGHT"],
            _ => ["LEFT", "RIGHT"],
        };
        Assert.Equal(expected, Names(_pair.Left).Select(n => File.ReadAllText(Path.Combine(_pair.Left, n))).Order());
        Assert.Equal(resolution == ConflictResolution.KeepBoth ? 2 : 1, Names(_pair.Left).Length);
        Assert.Equal("r.txt", Names(_pair.Left).Last(n => !n.Contains("conflict", StringComparison.Ordinal)));
        Assert.True(_pair.Pair.Conflicts.Single().Resolved);
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
