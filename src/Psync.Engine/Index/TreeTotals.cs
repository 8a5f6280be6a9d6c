namespace Psync.Engine.Index;

/// <summary>How big a tree is: its entries by kind and its files' bytes (the root itself not counted).</summary>
/// <param name="Files">Regular files.</param>
/// <param name="Directories">Directories below the root.</param>
/// <param name="Symlinks">Symbolic links.</param>
/// <param name="Bytes">The files' sizes added up.</param>
public sealed record TreeTotals(long Files, long Directories, long Symlinks, long Bytes)
{
    /// <summary>An empty tree.</summary>
    public static readonly TreeTotals Empty = new(0, 0, 0, 0);
}
