using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

public sealed class GuardTests
{
    [Fact]
    public async Task MissingRootAtStart_PausesWithTheReason()
    {
        await using var pair = PairHarness.Create();
        Directory.Delete(pair.Right);

        await pair.StartAsync();

        Assert.Equal(PairState.Paused, pair.Pair.Status.State);
        Assert.Contains("does not exist", pair.Pair.Status.Reason);
    }

    [Fact]
    public async Task PlanDeletingMostOfTheTree_PausesUntilConfirmed()
    {
        await using var pair = PairHarness.Create(o => o with { MinDeletesGuarded = 3, MaxDeleteShare = 0.5 });
        await pair.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await File.WriteAllTextAsync(pair.L($"f{i}"), "x");
        }
        await pair.WaitConvergedAsync();

        for (var i = 0; i < 4; i++)
        {
            File.Delete(pair.L($"f{i}"));
        }
        await PairHarness.WaitUntilAsync(() => pair.Pair.Status.State == PairState.Paused, PairHarness.Converge, "the delete guard");
        Assert.Contains("would delete 4 of 5", pair.Pair.Status.Reason);
        Assert.True(pair.Pair.Status.AwaitsDeleteConfirmation);
        Assert.Equal(5, Directory.GetFiles(pair.Right).Length);

        pair.Pair.ConfirmDeletes();
        await pair.WaitConvergedAsync();
        Assert.Single(Directory.GetFiles(pair.Right));
        Assert.False(pair.Pair.Status.AwaitsDeleteConfirmation);
    }

    [Fact]
    public async Task AgentKilled_PairRestartsAndChangesMadeMeanwhileConverge()
    {
        await using var pair = PairHarness.Create();
        await pair.StartAsync();
        await File.WriteAllTextAsync(pair.L("before.txt"), "before");
        await pair.WaitConvergedAsync();

        PairHarness.KillAgentServing(pair.Right);
        await File.WriteAllTextAsync(pair.R("while-down.txt"), "written while the agent was down");
        await File.WriteAllTextAsync(pair.L("left-meanwhile.txt"), "left");

        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("written while the agent was down", await File.ReadAllTextAsync(pair.L("while-down.txt")));
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Error && e.Detail.Contains("agent went away", StringComparison.Ordinal));
    }
}
