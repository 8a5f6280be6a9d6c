using Psync.Engine.Sync;

namespace Psync.Engine;

/// <summary>
/// What a two-way pair does when both sides changed a file: keep both for a person to settle (the
/// default), or settle it at once by a rule. Whatever the rule, the losing version goes to its
/// side's trash and the conflict is listed as resolved by the policy.
/// </summary>
public enum ConflictPolicy
{
    /// <summary>Keep both versions (the loser as a conflict copy) and list the conflict until a person settles it.</summary>
    Ask,

    /// <summary>The version with the later modification time wins (on a tie, the left's).</summary>
    Newer,

    /// <summary>The left's version wins.</summary>
    Left,

    /// <summary>The right's version wins.</summary>
    Right,
}

/// <summary>The names of <see cref="ConflictPolicy"/> values, as the command line, the API and the form write them.</summary>
public static class ConflictPolicies
{
    /// <summary>Every policy, in declaration order.</summary>
    public static IReadOnlyList<ConflictPolicy> All { get; } = Enum.GetValues<ConflictPolicy>();

    /// <summary>The name of <paramref name="policy"/>: <c>ask</c>, <c>newer</c>, <c>left</c> or <c>right</c>.</summary>
    public static string Name(this ConflictPolicy policy) => policy switch
    {
        ConflictPolicy.Newer => "newer",
        ConflictPolicy.Left => "left",
        ConflictPolicy.Right => "right",
        _ => "ask",
    };

    /// <summary>What <paramref name="policy"/> does, in one line for a person.</summary>
    public static string Describe(this ConflictPolicy policy) => policy switch
    {
        ConflictPolicy.Newer => "The newer version wins; the other goes to its side's trash.",
        ConflictPolicy.Left => "The left version wins; the right's goes to the right trash.",
        ConflictPolicy.Right => "The right version wins; the left's goes to the left trash.",
        _ => "Keep both versions and list the conflict until a person settles it.",
    };

    /// <summary>The valid names, comma-separated, for messages.</summary>
    public static string Names { get; } = string.Join(", ", All.Select(m => m.Name()));

    /// <summary>What <see cref="PairOptions.Validate"/> and the API say of a policy that is none of these.</summary>
    public static string Invalid { get; } = $"The conflict policy is one of {Names}.";

    /// <summary>What <see cref="PairOptions.Validate"/> says of a policy other than ask in a one-way mode.</summary>
    public static string OnlyTwoWay { get; } = "A conflict policy other than ask needs the two-way mode (a one-way mode never takes the right's version).";

    /// <summary>The policy named <paramref name="name"/> (as <see cref="Name"/> writes it).</summary>
    public static bool TryParse(string? name, out ConflictPolicy policy)
    {
        foreach (var candidate in All)
        {
            if (candidate.Name() == name)
            {
                policy = candidate;
                return true;
            }
        }
        policy = default;
        return false;
    }

    /// <summary>The side whose version loses under <paramref name="policy"/>, or null when a person decides (<see cref="ConflictPolicy.Ask"/>).</summary>
    public static Side? Loser(this ConflictPolicy policy, long leftMtimeNs, long rightMtimeNs) => policy switch
    {
        ConflictPolicy.Newer => leftMtimeNs >= rightMtimeNs ? Side.Right : Side.Left,
        ConflictPolicy.Left => Side.Right,
        ConflictPolicy.Right => Side.Left,
        _ => null,
    };
}
