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

    [Fact]
    public async Task Pause_AgentRestartedMeanwhile_PauseHoldsInTheNewSessionUntilResumed()
    {
        await using var pair = PairHarness.Create();
        await pair.StartAsync();
        pair.Pair.Pause("held for a backup");
        Assert.Equal((PairState.Paused, "held for a backup"), (pair.Pair.Status.State, pair.Pair.Status.Reason));
        var sessions = pair.Pair.History.Count(e => e.Kind == EventKind.Pause);

        PairHarness.KillAgentServing(pair.Right);
        await PairHarness.WaitUntilAsync(() => pair.Pair.History.Count(e => e.Kind == EventKind.Pause) > sessions, TimeSpan.FromSeconds(10), "the new session to start paused");
        await File.WriteAllTextAsync(pair.L("while-held.txt"), "not yet");
        // A loaded machine may need more than one new session (each a fresh start with its agents):
        // wait for one that runs, as a person's Verify would be retried.
        Psync.Engine.Check.CheckReport? report = null;
        await PairHarness.WaitUntilAsync(() =>
        {
            try
            {
                report = pair.Pair.VerifyAsync(CancellationToken.None).GetAwaiter().GetResult();
                return true;
            }
            catch (Exception e) when (e is PairNotRunningException or Psync.Engine.Check.CheckException)
            {
                return false; // no session yet, or the one asked went away mid-scan: the next one holds the pause too
            }
        }, TimeSpan.FromSeconds(10), "a running session to verify");

        Assert.Equal((PairState.Paused, "held for a backup"), (pair.Pair.Status.State, pair.Pair.Status.Reason));
        Assert.Equal("while-held.txt", Assert.Single(report!.Differences).Path);
        Assert.False(File.Exists(pair.R("while-held.txt")));

        pair.Pair.Resume();
        await pair.WaitConvergedAsync();
    }

    private sealed record MisspeltCommand : PairCommand;
}
