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
    /// <summary>The kind both sides share.</summary>
    public EntryKind Kind => Left.Kind;
}
