using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>The pair's inbox speaks typed commands; one its loop does not know fails where the sender sees it.</summary>
public sealed class CommandTests
{
    [Fact]
    public async Task Send_CommandTheLoopDoesNotKnow_FailsLoudlyAndThePairGoesOn()
    {
        await using var pair = PairHarness.Create();
        await pair.StartAsync();
        var unknown = new MisspeltCommand();

        pair.Pair.Send(unknown);

        var e = await Assert.ThrowsAsync<NotSupportedException>(() => unknown.Done.Task.WaitAsync(PairHarness.Converge));
        Assert.Contains(nameof(MisspeltCommand), e.Message, StringComparison.Ordinal);
        await File.WriteAllTextAsync(pair.L("after.txt"), "still syncing");
        await pair.WaitConvergedAsync();
    }

    [Fact]
    public async Task ResolveConflictAsync_NoSuchConflict_FailsWithTheReason()
    {
        await using var pair = PairHarness.Create();
        await pair.StartAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => pair.Pair.ResolveConflictAsync(4242, ConflictResolution.KeepBoth, CancellationToken.None).WaitAsync(PairHarness.Converge));
    }

    private sealed record MisspeltCommand : PairCommand;
}
