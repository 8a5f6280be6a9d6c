using System.Text.RegularExpressions;

namespace Psync.Web.Audit;

/// <summary>What the audit log records; stored and filtered by its name (<see cref="AuditActions.Name"/>, e.g. <c>pair-created</c>).</summary>
public enum AuditAction
{
    SignIn,
    SignInFailed,
    PairCreated,
    PairEdited,
    PairPaused,
    PairResumed,
    PairDeleted,
    PairFlushed,
    PairResynced,
    DeletesConfirmed,
    ConflictResolved,
    TrashRestored,
    OutOfSyncRetried,
    LogLevelChanged,
    HostCreated,
    HostEdited,
    HostTrusted,
    HostDeployed,
    HostDeleted,
    UserCreated,
    PasswordChanged,
    UserDeleted,
    TokenCreated,
    TokenRevoked,
    AlertChannelSaved,
    AlertChannelDeleted,
    AlertRuleSaved,
    AlertRuleDeleted,
    HeldDeletesRestored,
}

public static partial class AuditActions
{
    public static IReadOnlyList<AuditAction> All { get; } = Enum.GetValues<AuditAction>();

    /// <summary>The kebab-case name, e.g. <c>sign-in-failed</c>.</summary>
    public static string Name(this AuditAction action) => Words().Replace(action.ToString(), "$1-$2").ToLowerInvariant();

    public static bool TryParse(string name, out AuditAction action)
    {
        foreach (var candidate in All)
        {
            if (candidate.Name() == name)
            {
                action = candidate;
                return true;
            }
        }
        action = default;
        return false;
    }

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex Words();
}
