using Microsoft.Extensions.Time.Testing;
using Psync.Engine.Sync;
using Psync.Engine.Tests.Fakes;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>
/// The conflict policy against in-memory agents: which side is asked to trash its version, with which
/// expected state, and that nothing is renamed to a conflict copy (the real trees: <see cref="ConflictPolicyTests"/>).
/// </summary>
public sealed class FakeAgentConflictPolicyTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private const long Mtime = 1_780_000_000_000_000_000;

    /// <summary>The left's version, older; the right's an hour newer.</summary>
    private static readonly FileState LeftVersion = FakeAgent.File(7, Mtime, inode: 11);
    private static readonly FileState RightVersion = FakeAgent.File(9, Mtime + 3_600_000_000_000, inode: 22);

    private readonly string _dir = Directory.CreateTempSubdirectory("psync-fake-policy-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly CancellationTokenSource _stop = new();
    private readonly FakeAgent _left = new("/left", [("a.txt", LeftVersion)]);
    private readonly FakeAgent _right = new("/right", [("a.txt", RightVersion)]);
    private SyncPair? _pair;
    private Task _run = Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
        await _left.DisposeAsync();
        await _right.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(ConflictPolicy.Newer, Side.Left)]
    [InlineData(ConflictPolicy.Left, Side.Right)]
    [InlineData(ConflictPolicy.Right, Side.Left)]
    public async Task FirstSync_DifferingFile_PolicyTrashesTheLosersVersionOnlyAndListsItResolved(ConflictPolicy policy, Side loser)
    {
        // Act
        var pair = Start(policy);
        await UntilAsync(() => pair.Conflicts.Any(c => c.Resolved), "the conflict settled by the policy");

        // Assert
        var (loserAgent, winnerAgent) = loser == Side.Left ? (_left, _right) : (_right, _left);
        var delete = Assert.Single(loserAgent.Operations.OfType<DeleteOp>());
        Assert.Equal(("a.txt", Expect.Is(loser == Side.Left ? LeftVersion : RightVersion), false), (delete.Path, delete.Expect, delete.Recursive));
        Assert.Empty(winnerAgent.Operations.OfType<DeleteOp>());
        Assert.Empty(_left.Operations.OfType<MoveOp>().Concat(_right.Operations.OfType<MoveOp>()));
        var conflict = Assert.Single(pair.Conflicts);
        Assert.Equal(("a.txt", loser, ConflictRecord.InTrash, LeftVersion, RightVersion), (conflict.Path, conflict.Loser, conflict.ConflictCopy, conflict.Left, conflict.Right));
        Assert.Contains(pair.History, e => e.Kind == EventKind.Resolved && e.Path == "a.txt" && e.Detail.Contains($"the {loser.Other().Name()} version wins", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FirstSync_DifferingFile_AskRenamesTheOlderToACopyAndLeavesItOpen()
    {
        // Act
        var pair = Start(ConflictPolicy.Ask);
        await UntilAsync(() => pair.Conflicts.Count == 1, "the conflict listed");

        // Assert
        var move = Assert.Single(_left.Operations.OfType<MoveOp>());
        Assert.Equal(("a.txt", Expect.Is(LeftVersion)), (move.From, move.ExpectFrom));
        Assert.Matches(@"^a\.psync-conflict-\d{8}-\d{6}-left\.txt$", move.To);
        Assert.Empty(_left.Operations.OfType<DeleteOp>().Concat(_right.Operations.OfType<DeleteOp>()));
        Assert.False(Assert.Single(pair.Conflicts).Resolved);
    }

    private SyncPair Start(ConflictPolicy policy)
    {
        _pair = new SyncPair(new PairOptions { LeftRoot = "/left", RightRoot = "/right", DataDir = Path.Combine(_dir, "data"), Conflicts = policy }, clock: _clock)
        {
            AgentStarter = (side, _) => side == Side.Left ? _left.Connection : _right.Connection,
        };
        _run = _pair.RunAsync(_stop.Token);
        return _pair;
    }

    /// <summary>Waits (real time, with a deadline) for <paramref name="condition"/>.</summary>
    private async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {Deadline}; status {_pair?.Status}; history:\n{string.Join('\n', _pair?.History.TakeLast(20) ?? [])}");
            await Task.Delay(1);
        }
    }
}
