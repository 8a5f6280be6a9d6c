using System.Text.RegularExpressions;
using Psync.Engine.Sync;

namespace Psync.Web.Alerts;

/// <summary>What a rule watches; stored and named in the API by <see cref="AlertConditions.Name"/> (e.g. <c>host-unreachable</c>).</summary>
public enum AlertCondition
{
    /// <summary>The pair is in error, or reconnecting after one (or could not start).</summary>
    PairError,

    /// <summary>The delete guard holds a plan until a person confirms it.</summary>
    DeleteGuard,

    /// <summary>The pair has open conflicts.</summary>
    Conflicts,

    /// <summary>An error event said a disk is full (no space left); clears when the pair is next idle.</summary>
    DiskFull,

    /// <summary>The pair is not idle (and not waiting for its sync window, nor paused by a person).</summary>
    OutOfSync,

    /// <summary>A remote pair cannot reach its right host (no connection, no SSH login).</summary>
    HostUnreachable,

    /// <summary>The agent could not be installed or started (on the right host, or locally).</summary>
    AgentDeployFailed,
}

/// <summary>What the alert service knows about a pair at one moment. StartFailure: Why the pair could not start at all, or null. NoSpace: The error that said a disk is full, since the pair was last idle; null when none. DeployFailed: the pair could not start because its agent could not be deployed.</summary>
public sealed record PairSnapshot(int PairId, string Name, bool Remote, PairState State, string? Reason, bool PausedByPerson,
    bool AwaitsDeleteConfirmation, int OpenConflicts, string? StartFailure, string? NoSpace, bool DeployFailed = false);

public static partial class AlertConditions
{
    public static IReadOnlyList<AlertCondition> All { get; } = Enum.GetValues<AlertCondition>();

    public static string Name(this AlertCondition condition) => Words().Replace(condition.ToString(), "$1-$2").ToLowerInvariant();

    public static string Describe(this AlertCondition condition) => condition switch
    {
        AlertCondition.PairError => "in error or reconnecting",
        AlertCondition.DeleteGuard => "delete guard waiting for confirmation",
        AlertCondition.Conflicts => "open conflicts",
        AlertCondition.DiskFull => "disk full",
        AlertCondition.OutOfSync => "out of sync",
        AlertCondition.HostUnreachable => "host unreachable",
        AlertCondition.AgentDeployFailed => "agent deploy failed",
        _ => condition.Name(),
    };

    public static bool TryParse(string? name, out AlertCondition condition)
    {
        foreach (var candidate in All)
        {
            if (candidate.Name() == name)
            {
                condition = candidate;
                return true;
            }
        }
        condition = default;
        return false;
    }

    /// <summary>
    /// Whether <paramref name="condition"/> holds for the pair, with what it says; null when it does not.
    /// <paramref name="wasActive"/>: between two reconnect attempts the pair shows Starting, which continues an error rather than ending it.
    /// </summary>
    public static string? Check(this AlertCondition condition, PairSnapshot pair, bool wasActive)
    {
        var failing = pair.StartFailure is not null || pair.State == PairState.Error;
        var reason = pair.StartFailure ?? pair.Reason ?? "";
        var retrying = wasActive && pair.State == PairState.Starting;
        return condition switch
        {
            AlertCondition.PairError when failing => reason,
            AlertCondition.PairError when retrying => "reconnecting",
            AlertCondition.DeleteGuard when pair.AwaitsDeleteConfirmation => pair.Reason ?? "a plan waits for its deletes to be confirmed",
            AlertCondition.Conflicts when pair.OpenConflicts > 0 => $"{pair.OpenConflicts} open conflict{(pair.OpenConflicts == 1 ? "" : "s")}",
            AlertCondition.DiskFull when pair.NoSpace is not null => pair.NoSpace,
            AlertCondition.OutOfSync when pair.StartFailure is not null || pair.State is not (PairState.Idle or PairState.Waiting) && !pair.PausedByPerson =>
                $"{pair.State.ToString().ToLowerInvariant()}{(string.IsNullOrEmpty(reason) ? "" : ": " + reason)}",
            AlertCondition.HostUnreachable when pair.Remote && failing && Unreachable().IsMatch(reason) => reason,
            AlertCondition.HostUnreachable when pair.Remote && retrying => "reconnecting",
            AlertCondition.AgentDeployFailed when pair.DeployFailed || failing && AgentFailed().IsMatch(reason) => reason,
            _ => null,
        };
    }

    /// <summary>An error message that says a disk is full.</summary>
    public static bool SaysNoSpace(string detail) => NoSpaceText().IsMatch(detail);

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex Words();

    // The engine's words for a host it cannot reach (SshSession) or lost (the connection dropped under it).
    [GeneratedRegex(@"cannot reach |no SSH login within|connection (failed|refused|reset|lost)|Connection refused|No route to host|unreachable", RegexOptions.IgnoreCase)]
    private static partial Regex Unreachable();

    // AgentDeployer's and the agents' words.
    [GeneratedRegex(@"installing the agent|uploading the agent|cannot start the agent|cannot inspect |agent .*(missing|not found)|psync-agent", RegexOptions.IgnoreCase)]
    private static partial Regex AgentFailed();

    [GeneratedRegex(@"no space left|ENOSPC|disk (is )?full|not enough space", RegexOptions.IgnoreCase)]
    private static partial Regex NoSpaceText();
}
