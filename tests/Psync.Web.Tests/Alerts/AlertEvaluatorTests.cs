using Microsoft.Extensions.Time.Testing;
using Psync.Engine.Sync;
using Psync.Web.Alerts;

namespace Psync.Web.Tests.Alerts;

/// <summary>Thresholds and debounce against a fake clock.</summary>
public sealed class AlertEvaluatorTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    private static AlertRuleEntity Rule(AlertCondition condition, double minutes = 0, int? pairId = null, int id = 1) =>
        new() { Id = id, Condition = condition, Minutes = minutes, PairId = pairId };

    private static PairSnapshot Pair(PairState state = PairState.Idle, string? reason = null, int id = 1, bool remote = true, int conflicts = 0,
        bool guard = false, string? noSpace = null, string? startFailure = null, bool pausedByPerson = false) =>
        new(id, $"pair{id}", remote, state, reason, pausedByPerson, guard, conflicts, startFailure, noSpace);

    [Fact]
    public void Evaluate_ErrorShorterThanThreshold_NoAlertAndNoClear()
    {
        var evaluator = new AlertEvaluator(_clock);
        AlertRuleEntity[] rules = [Rule(AlertCondition.PairError, minutes: 5)];

        Assert.Empty(evaluator.Evaluate(rules, [Pair(PairState.Error, "agent gone")]));
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(evaluator.Evaluate(rules, [Pair(PairState.Error, "agent gone")]));
        Assert.Empty(evaluator.Evaluate(rules, [Pair(PairState.Idle)]));
    }

    [Fact]
    public void Evaluate_ErrorPastThreshold_OneRaisedThenOneClearedWithDuration()
    {
        var evaluator = new AlertEvaluator(_clock);
        AlertRuleEntity[] rules = [Rule(AlertCondition.PairError, minutes: 5)];
        var notices = new List<AlertNotice>();

        notices.AddRange(evaluator.Evaluate(rules, [Pair(PairState.Error, "cannot reach 10.0.0.2:22: Connection refused")]));
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            // Between reconnect attempts the pair shows Starting: still the same error.
            notices.AddRange(evaluator.Evaluate(rules, [Pair(i % 2 == 0 ? PairState.Starting : PairState.Error, "cannot reach")]));
        }
        _clock.Advance(TimeSpan.FromMinutes(1));
        notices.AddRange(evaluator.Evaluate(rules, [Pair(PairState.Reconciling)]));
        notices.AddRange(evaluator.Evaluate(rules, [Pair(PairState.Idle)]));

        Assert.Equal(["raised", "cleared"], notices.Select(n => n.Event));
        Assert.Equal(_clock.GetUtcNow() - TimeSpan.FromMinutes(11), notices[0].Since);
        Assert.Equal(TimeSpan.FromMinutes(5), notices[0].Time - notices[0].Since);
        Assert.Contains("cleared", notices[1].Title, StringComparison.Ordinal);
        Assert.Contains("after 11 min", notices[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_StartingWithoutErrorBefore_IsNoError()
    {
        var evaluator = new AlertEvaluator(_clock);

        Assert.Empty(evaluator.Evaluate([Rule(AlertCondition.PairError)], [Pair(PairState.Starting)]));
    }

    [Fact]
    public void Evaluate_ConditionReturnsAfterClear_RaisedAgainAfterTheThresholdAnew()
    {
        var evaluator = new AlertEvaluator(_clock);
        AlertRuleEntity[] rules = [Rule(AlertCondition.OutOfSync, minutes: 2)];

        evaluator.Evaluate(rules, [Pair(PairState.Syncing)]);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(evaluator.Evaluate(rules, [Pair(PairState.Syncing)]));
        Assert.Single(evaluator.Evaluate(rules, [Pair(PairState.Idle)]));
        Assert.Empty(evaluator.Evaluate(rules, [Pair(PairState.Syncing)]));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(evaluator.Evaluate(rules, [Pair(PairState.Syncing)]));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(Assert.Single(evaluator.Evaluate(rules, [Pair(PairState.Syncing)])).Raised);
    }

    [Fact]
    public void Evaluate_OutOfSync_WaitingAndAPersonsPauseAreNot()
    {
        var evaluator = new AlertEvaluator(_clock);
        AlertRuleEntity[] rules = [Rule(AlertCondition.OutOfSync)];

        Assert.Empty(evaluator.Evaluate(rules, [Pair(PairState.Waiting), Pair(PairState.Paused, "paused by a person", id: 2, pausedByPerson: true)]));
        Assert.Single(evaluator.Evaluate(rules, [Pair(PairState.Paused, "the left root is missing", id: 3)]));
    }

    [Fact]
    public void Evaluate_PerPairRule_OnlyItsPair()
    {
        var evaluator = new AlertEvaluator(_clock);

        var notices = evaluator.Evaluate([Rule(AlertCondition.Conflicts, pairId: 2)], [Pair(id: 1, conflicts: 3), Pair(id: 2, conflicts: 1)]);

        Assert.Equal(2, Assert.Single(notices).Pair.PairId);
        Assert.Equal("1 open conflict", notices[0].Detail);
    }

    [Fact]
    public void Evaluate_MoreConflictsWhileRaised_NoSecondAlert()
    {
        var evaluator = new AlertEvaluator(_clock);
        AlertRuleEntity[] rules = [Rule(AlertCondition.Conflicts)];

        Assert.Single(evaluator.Evaluate(rules, [Pair(conflicts: 1)]));
        Assert.Empty(evaluator.Evaluate(rules, [Pair(conflicts: 4)]));
        Assert.False(Assert.Single(evaluator.Evaluate(rules, [Pair(conflicts: 0)])).Raised);
    }

    [Theory]
    [InlineData(AlertCondition.HostUnreachable, "cannot reach 127.0.0.1:2222: Connection refused", true)]
    [InlineData(AlertCondition.HostUnreachable, "127.0.0.1: no SSH login within 10 s", true)]
    [InlineData(AlertCondition.HostUnreachable, "the left root is missing", false)]
    [InlineData(AlertCondition.AgentDeployFailed, "uploading the agent to host failed: disk quota", true)]
    [InlineData(AlertCondition.AgentDeployFailed, "cannot reach 127.0.0.1:2222: Connection refused", false)]
    public void Evaluate_ErrorReason_ClassifiedByCondition(AlertCondition condition, string reason, bool alerted)
    {
        var evaluator = new AlertEvaluator(_clock);

        var notices = evaluator.Evaluate([Rule(condition)], [Pair(PairState.Error, reason)]);

        Assert.Equal(alerted, notices.Count == 1);
    }

    [Fact]
    public void Evaluate_DeployFailedStart_AgentDeployFailedWhateverTheWords()
    {
        var evaluator = new AlertEvaluator(_clock);

        var notices = evaluator.Evaluate([Rule(AlertCondition.AgentDeployFailed)],
            [Pair(PairState.Stopped) with { StartFailure = "rsync is not installed on 10.0.0.2", DeployFailed = true }]);

        Assert.Equal("rsync is not installed on 10.0.0.2", Assert.Single(notices).Detail);
    }

    [Fact]
    public void Evaluate_HostUnreachable_LocalPairNever()
    {
        var evaluator = new AlertEvaluator(_clock);

        Assert.Empty(evaluator.Evaluate([Rule(AlertCondition.HostUnreachable)], [Pair(PairState.Error, "cannot reach x:22", remote: false)]));
    }

    [Fact]
    public void Evaluate_DeleteGuardAndDiskFullAndStartFailure_Raised()
    {
        var evaluator = new AlertEvaluator(_clock);
        AlertRuleEntity[] rules = [Rule(AlertCondition.DeleteGuard, id: 1), Rule(AlertCondition.DiskFull, id: 2), Rule(AlertCondition.PairError, id: 3)];

        var notices = evaluator.Evaluate(rules, [Pair(PairState.Paused, "would delete 80%", guard: true, noSpace: "rsync: write failed: No space left on device (28)", startFailure: "psync-agent not found")]);

        Assert.Equal([AlertCondition.DeleteGuard, AlertCondition.DiskFull, AlertCondition.PairError], notices.Select(n => n.Rule.Condition));
        Assert.True(AlertConditions.SaysNoSpace("rsync: write failed: No space left on device (28)"));
    }

    [Fact]
    public void Evaluate_RuleDisabledWhileRaised_ForgottenWithoutClear()
    {
        var evaluator = new AlertEvaluator(_clock);
        var rule = Rule(AlertCondition.DeleteGuard);

        Assert.Single(evaluator.Evaluate([rule], [Pair(guard: true)]));
        rule.Enabled = false;
        Assert.Empty(evaluator.Evaluate([rule], [Pair(guard: true)]));
        rule.Enabled = true;
        Assert.True(Assert.Single(evaluator.Evaluate([rule], [Pair(guard: true)])).Raised);
    }
}
