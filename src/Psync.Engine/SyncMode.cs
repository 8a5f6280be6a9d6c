namespace Psync.Engine;

/// <summary>
/// Which way a pair syncs (the names are Mutagen's). Left-side changes reach the right in every
/// mode; in the one-way modes nothing ever flows from the right to the left.
/// </summary>
public enum SyncMode
{
    /// <summary>Both sides' changes sync both ways; both sides changing a path is a conflict (the default).</summary>
    TwoWay,

    /// <summary>Left to right; the right's own new or changed files are kept and listed as conflicts, a file deleted on the right comes back from the left.</summary>
    OneWaySafe,

    /// <summary>The right becomes exactly the left: the right's own creates and edits go to its trash and are listed, its deletes come back from the left.</summary>
    Mirror,
}

/// <summary>The names of <see cref="SyncMode"/>s, as the command line, the API and the form write them.</summary>
public static class SyncModes
{
    /// <summary>Every mode, in declaration order.</summary>
    public static IReadOnlyList<SyncMode> All { get; } = Enum.GetValues<SyncMode>();

    /// <summary>The name of <paramref name="mode"/>: <c>two-way</c>, <c>one-way-safe</c> or <c>mirror</c>.</summary>
    public static string Name(this SyncMode mode) => mode switch
    {
        SyncMode.OneWaySafe => "one-way-safe",
        SyncMode.Mirror => "mirror",
        _ => "two-way",
    };

    /// <summary>What <paramref name="mode"/> does, in one line for a person.</summary>
    public static string Describe(this SyncMode mode) => mode switch
    {
        SyncMode.OneWaySafe => "Left to right; what the right creates or changes itself is kept and listed as a conflict, what it deletes comes back.",
        SyncMode.Mirror => "The right becomes the left; what the right creates or changes itself goes to its trash and is listed, what it deletes comes back.",
        _ => "Changes on either side sync to the other; both sides changing a path keeps both versions.",
    };

    /// <summary>The valid names, comma-separated, for messages.</summary>
    public static string Names { get; } = string.Join(", ", All.Select(m => m.Name()));

    /// <summary>What <see cref="PairOptions.Validate"/> and the API say of a mode that is none of these.</summary>
    public static string Invalid { get; } = $"The mode is one of {Names}.";

    /// <summary>The mode named <paramref name="name"/> (as <see cref="Name"/> writes it).</summary>
    public static bool TryParse(string? name, out SyncMode mode)
    {
        foreach (var candidate in All)
        {
            if (candidate.Name() == name)
            {
                mode = candidate;
                return true;
            }
        }
        mode = default;
        return false;
    }
}
