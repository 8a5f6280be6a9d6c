using System.Text.Json;
using System.Text.Json.Serialization;
using Psync.Protocol;

namespace Psync.Web.Conflicts;

/// <summary>Enums in the API as camelCase strings, like every other vocabulary there.</summary>
public sealed class CamelCaseEnum<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase) where T : struct, Enum;

/// <summary>How a preview shows the two versions.</summary>
[JsonConverter(typeof(CamelCaseEnum<PreviewLayout>))]
public enum PreviewLayout
{
    /// <summary>Both are text within the limit: one line diff.</summary>
    Diff,

    /// <summary>Each side's own preview.</summary>
    Sides,
}

/// <summary>What one version's preview holds.</summary>
[JsonConverter(typeof(CamelCaseEnum<PreviewKind>))]
public enum PreviewKind
{
    /// <summary>Nothing: <see cref="ContentPreview.Why"/> says why.</summary>
    None,

    /// <summary>Text (the beginning only when <see cref="ContentPreview.Truncated"/>).</summary>
    Text,

    /// <summary>An image as a data: URL.</summary>
    Image,

    /// <summary>A hex dump of the first bytes.</summary>
    Hex,
}

/// <summary>Both versions of a conflict side by side, with what a person needs to choose.</summary>
/// <param name="Id">The conflict's API id.</param>
/// <param name="PairId">Its pair.</param>
/// <param name="Path">The path both sides changed.</param>
/// <param name="Resolved">Settled already (by a person or the pair's policy).</param>
/// <param name="Time">When the conflict was found.</param>
/// <param name="Left">The left version.</param>
/// <param name="Right">The right version.</param>
/// <param name="Content">
/// <c>diff</c> (both versions are text within the size limit: <see cref="Diff"/>), or <c>sides</c>: each
/// side's <see cref="ConflictVersion.Preview"/> (an image, text, or a hex dump of its first bytes).
/// </param>
/// <param name="Diff">The changed lines with a little context; empty when the two texts are equal.</param>
/// <param name="Note">Why contents are not shown (the pair is not running), or null.</param>
public sealed record ConflictPreviewResource(
    long Id,
    int PairId,
    string Path,
    bool Resolved,
    DateTimeOffset Time,
    ConflictVersion Left,
    ConflictVersion Right,
    PreviewLayout Content,
    IReadOnlyList<DiffHunk>? Diff,
    string? Note);

/// <summary>One side's version of a conflict as it is now (or as recorded, when it cannot be read).</summary>
/// <param name="Side">left or right.</param>
/// <param name="Location">Where this version is now: the name, the conflict copy, or null when it went to the side's trash.</param>
/// <param name="Kind">file, directory, symlink, other (a device, FIFO or socket), or absent (deleted on that side).</param>
/// <param name="Size">In bytes.</param>
/// <param name="Modified">Its modification time.</param>
/// <param name="Permissions">rwx bits as <c>ls -l</c> shows them, with the octal mode.</param>
/// <param name="Uid">The numeric owner (-1: not known).</param>
/// <param name="Gid">The numeric group (-1: not known).</param>
/// <param name="LinkTarget">A symlink's target.</param>
/// <param name="Newer">Its modification time is the later of the two.</param>
/// <param name="Kept">Its version keeps the name (the other one is the copy).</param>
/// <param name="ChangedSince">It changed after the conflict was recorded.</param>
/// <param name="Preview">Its content, when the versions are not shown as one diff.</param>
public sealed record ConflictVersion(
    string Side,
    string? Location,
    [property: JsonConverter(typeof(CamelCaseEnum<EntryKind>))] EntryKind Kind,
    long Size,
    DateTimeOffset Modified,
    string Permissions,
    long Uid,
    long Gid,
    string? LinkTarget,
    bool Newer,
    bool Kept,
    bool ChangedSince,
    ContentPreview? Preview);

/// <summary>One version's content.</summary>
/// <param name="Kind"><c>text</c>, <c>image</c> (<see cref="DataUrl"/>), <c>hex</c> (the first bytes), or <c>none</c> (<see cref="Why"/>).</param>
/// <param name="Text">The whole text.</param>
/// <param name="DataUrl">The image as a data: URL.</param>
/// <param name="Hex">The first bytes as <c>hexdump -C</c> shows them.</param>
/// <param name="Truncated">Only the first bytes are shown.</param>
/// <param name="Why">Why there is no content to show.</param>
public sealed record ContentPreview(PreviewKind Kind, string? Text = null, string? DataUrl = null, string? Hex = null, bool Truncated = false, string? Why = null);

/// <summary>Settles several conflicts of one pair the same way.</summary>
/// <param name="Ids">Conflict ids (from <c>GET /pairs/{id}/conflicts</c>), at most <see cref="ConflictWorkbench.MaxBulk"/>.</param>
/// <param name="Resolution">keepLeft, keepRight or keepBoth.</param>
public sealed record BulkResolveRequest(IReadOnlyList<long>? Ids, string? Resolution);

/// <summary>What happened to one conflict of a bulk resolve.</summary>
/// <param name="Id">The conflict's id.</param>
/// <param name="Path">Its path (empty when it was not found).</param>
/// <param name="Resolved">It is resolved now.</param>
/// <param name="Error">Why it was not resolved (it changed meanwhile, the pair stopped), or null.</param>
public sealed record BulkResolveResult(long Id, string Path, bool Resolved, string? Error);
