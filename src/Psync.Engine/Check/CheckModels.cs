using Psync.Protocol;

namespace Psync.Engine.Check;

/// <summary>How <see cref="TreeComparer"/> compares two trees.</summary>
public sealed record CheckOptions
{
    /// <summary>Regexes searched in the relative path; matching paths (and what is below them) are not compared.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary>Tempfile regexes; left out like <see cref="Excludes"/>, as the sync leaves them out.</summary>
    public IReadOnlyList<string> Tempfiles { get; init; } = [];

    /// <summary>Also compare the SHA-256 of every pair of files whose sizes match.</summary>
    public bool Checksum { get; init; }

    /// <summary>Which extended attributes and ACLs to compare (psync -X, -A).</summary>
    public XattrScope Xattrs { get; init; }

    /// <summary>Where psync-agent is; null finds it (PSYNC_AGENT, then next to the program).</summary>
    public string? AgentPath { get; init; }

    /// <summary>How long an agent may take to say hello.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>What differs at one path.</summary>
public enum DifferenceKind
{
    /// <summary>The path exists on the left only (a directory stands for everything below it).</summary>
    OnlyLeft,

    /// <summary>The path exists on the right only (a directory stands for everything below it).</summary>
    OnlyRight,

    /// <summary>File, directory, symlink or special file on one side, something else on the other.</summary>
    KindDiffers,

    /// <summary>Two files of different sizes.</summary>
    SizeDiffers,

    /// <summary>Two files whose modification times differ (to the nanosecond).</summary>
    MtimeDiffers,

    /// <summary>Different permission bits (symlinks are not compared).</summary>
    ModeDiffers,

    /// <summary>Two symlinks pointing to different targets.</summary>
    TargetDiffers,

    /// <summary>Different numeric owner or group (symlinks are not compared).</summary>
    OwnerDiffers,

    /// <summary>Different extended attributes or ACLs (only those the check was asked to read).</summary>
    XattrsDiffer,

    /// <summary>Two files of equal size whose SHA-256 differs, or one that could not be hashed (checksum mode only).</summary>
    ContentDiffers,

    /// <summary>A directory whose contents could not be read on one side: what is below it was not compared.</summary>
    Unreadable,
}

/// <summary>One difference between the two trees.</summary>
/// <param name="Path">The relative path (as decoded by <see cref="PathCodec"/>).</param>
/// <param name="Kind">What differs.</param>
/// <param name="Detail">Both sides' values, for people.</param>
public sealed record Difference(string Path, DifferenceKind Kind, string Detail)
{
    /// <summary>One line for people: kind, path, detail.</summary>
    public override string ToString() => $"{Kind} {PathCodec.Display(Path)}: {Detail}";
}

/// <summary>The outcome of a comparison.</summary>
/// <param name="Differences">Every difference, in <see cref="PathOrder"/>.</param>
/// <param name="LeftCount">Entries compared on the left (excluded paths not counted).</param>
/// <param name="RightCount">Entries compared on the right.</param>
public sealed record CheckReport(IReadOnlyList<Difference> Differences, long LeftCount, long RightCount)
{
    /// <summary>True when nothing differs.</summary>
    public bool Identical => Differences.Count == 0;
}

/// <summary>A comparison could not be made (a root is missing, an agent failed, a pattern is invalid).</summary>
public sealed class CheckException(string message, Exception? inner = null) : Exception(message, inner);
