using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>A pair's conflict policy settles a file both sides changed at once; the loser goes to its side's trash.</summary>
public sealed class ConflictPolicyTests : IAsyncLifetime
{
    private PairHarness _harness = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    /// <summary>The left is written first (older), the right an hour later (newer).</summary>
    [Theory]
    [InlineData(ConflictPolicy.Newer, Side.Right)]
    [InlineData(ConflictPolicy.Left, Side.Left)]
    [InlineData(ConflictPolicy.Right, Side.Right)]
    public async Task BothSidesChanged_PolicyPicksTheWinner_LoserInItsTrashAndResolved(ConflictPolicy policy, Side winner)
    {
        await StartAsync(policy);
        await File.WriteAllTextAsync(_harness.L("doc.txt"), "base");
        await _harness.WaitConvergedAsync();
        await _harness.StopAsync();
        var stamp = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        await File.WriteAllTextAsync(_harness.L("doc.txt"), "LEFT version");
        await File.WriteAllTextAsync(_harness.R("doc.txt"), "RIGHT version, longer");
        File.SetLastWriteTimeUtc(_harness.L("doc.txt"), stamp);
        File.SetLastWriteTimeUtc(_harness.R("doc.txt"), stamp.AddHours(1));

        await _harness.RestartAsync();
        await _harness.WaitConvergedAsync();

        var (won, lost) = winner == Side.Left ? ("LEFT version", "RIGHT version, longer") : ("RIGHT version, longer", "LEFT version");
        var loser = winner.Other();
        Assert.Equal(["doc.txt"], Names(_harness.Left));
        Assert.Equal(["doc.txt"], Names(_harness.Right));
        Assert.Equal(won, await File.ReadAllTextAsync(_harness.L("doc.txt")));
        Assert.Equal(won, await File.ReadAllTextAsync(_harness.R("doc.txt")));
        Assert.Contains(lost, TrashContents(loser == Side.Left ? _harness.Left : _harness.Right));
        var conflict = Assert.Single(_harness.Pair.Conflicts);
        Assert.Equal(("doc.txt", loser, ConflictRecord.InTrash, true), (conflict.Path, conflict.Loser, conflict.ConflictCopy, conflict.Resolved));
        Assert.Null(conflict.VersionPath(loser));
        Assert.Contains(_harness.Pair.History, e => e.Kind == EventKind.Resolved && e.Path == "doc.txt" && e.Detail.Contains($"({policy.Name()})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ask_BothSidesChanged_KeepsBothAndLeavesItOpen()
    {
        await StartAsync(ConflictPolicy.Ask);
        await File.WriteAllTextAsync(_harness.L("doc.txt"), "base");
        await _harness.WaitConvergedAsync();
        await _harness.StopAsync();
        await File.WriteAllTextAsync(_harness.L("doc.txt"), "LEFT");
        await File.WriteAllTextAsync(_harness.R("doc.txt"), "RIGHT!");

        await _harness.RestartAsync();
        await _harness.WaitConvergedAsync();

        Assert.Equal(2, Names(_harness.Left).Length);
        Assert.False(Assert.Single(_harness.Pair.Conflicts).Resolved);
    }

    [Fact]
    public void Validate_PolicyInAOneWayMode_IsRefused()
    {
        var options = new PairOptions { LeftRoot = "/a", RightRoot = "/b", DataDir = "/d", Mode = SyncMode.Mirror, Conflicts = ConflictPolicy.Newer };

        Assert.Equal([ConflictPolicies.OnlyTwoWay], options.Validate()[nameof(PairOptions.Conflicts)]);
        Assert.Empty((options with { Conflicts = ConflictPolicy.Ask }).Validate());
        Assert.Equal([ConflictPolicies.Invalid], (options with { Conflicts = (ConflictPolicy)9 }).Validate()[nameof(PairOptions.Conflicts)]);
    }

    private async Task StartAsync(ConflictPolicy policy)
    {
        _harness = PairHarness.Create(o => o with { Conflicts = policy });
        await _harness.StartAsync();
    }

    private static string[] Names(string dir) => [.. Directory.GetFiles(dir).Select(Path.GetFileName).Order()!];

    private static string[] TrashContents(string root) =>
        [.. Directory.GetFiles(Path.Combine(root, ".psync", "trash"), "*", SearchOption.AllDirectories).Select(File.ReadAllText)];
}
