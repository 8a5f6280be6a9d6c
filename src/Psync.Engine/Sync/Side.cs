namespace Psync.Engine.Sync;

/// <summary>One of the two trees of a pair.</summary>
public enum Side
{
    Left = 0,
    Right = 1,
}

public static class SideExtensions
{
    public static Side Other(this Side side) => side == Side.Left ? Side.Right : Side.Left;

    public static string Name(this Side side) => side == Side.Left ? "left" : "right";
}
