using Psync.Protocol;

namespace Psync.Engine.Index;

/// <summary>
/// One row of the state index: the state each side had when both last agreed on
/// <paramref name="Path"/>.
/// </summary>
/// <remarks>
/// Invariant, enforced by <see cref="StateIndex.Put"/>: both sides exist and have the same
/// <see cref="FileState.Kind"/>; for a file both sizes are equal, for a symlink both targets.
/// Size and link target are stored once, so on reading, <see cref="Right"/>'s
/// <see cref="FileState.Size"/> and <see cref="FileState.LinkTarget"/> are <see cref="Left"/>'s
/// (for a directory, whose size means nothing to sync, the right side's size is not kept).
/// Mtime, mode, inode and ctime are kept per side.
/// </remarks>
/// <param name="Path">The relative path, '/'-separated, as produced by <see cref="PathCodec.Decode"/>.</param>
/// <param name="Left">The state on the left side when both agreed.</param>
/// <param name="Right">The state on the right side when both agreed.</param>
public sealed record IndexEntry(string Path, FileState Left, FileState Right)
{
    /// <summary>
    /// The entry for two states that agree, or null when they do not (both must exist, be of one
    /// kind, files of one size, symlinks with one target). A state read after an operation may
    /// already show someone's next change; the caller then plans again instead of recording it.
    /// </summary>
    public static IndexEntry? Agreement(string path, in FileState left, in FileState right) =>
        left.Exists && right.Exists && left.Kind == right.Kind
        && (left.Kind != EntryKind.File || left.Size == right.Size)
        && (left.Kind != EntryKind.Symlink || left.LinkTarget == right.LinkTarget)
            ? new IndexEntry(path, left, right)
            : null;

    /// <summary>The kind both sides share.</summary>
    public EntryKind Kind => Left.Kind;
}
