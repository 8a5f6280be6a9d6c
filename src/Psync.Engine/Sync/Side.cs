namespace Psync.Engine.Sync;

/// <summary>One of the two trees of a pair.</summary>
public enum Side
{
    /// <summary>The first root, always on this host.</summary>
    Left = 0,

    /// <summary>The second root, on this host or on a remote one.</summary>
    Right = 1,
}

/// <summary>Helpers for <see cref="Side"/>.</summary>
public static class SideExtensions
{
    /// <summary>The other side.</summary>
    public static Side Other(this Side side) => side == Side.Left ? Side.Right : Side.Left;

    /// <summary>"left" or "right", as people read it.</summary>
    public static string Name(this Side side) => side == Side.Left ? "left" : "right";
}
