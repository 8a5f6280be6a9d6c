using Psync.Protocol;

namespace Psync.Agent.Fs;

/// <summary>Checks that a path from the engine is relative and stays inside the root.</summary>
internal static class RelPath
{
    public const string OwnArea = ".psync";

    /// <summary>Splits a relative path into NUL-terminated byte components, or throws <see cref="ArgumentException"/>.</summary>
    public static byte[][] Split(string path, bool allowOwnArea)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ArgumentException("an empty path names the root itself, which cannot be changed");
        }
        if (path[0] == '/')
        {
            throw new ArgumentException($"absolute path refused: {PathCodec.Display(path)}");
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("a path cannot contain NUL");
        }
        var parts = path.Split('/');
        var result = new byte[parts.Length][];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0 || part == "." || part == "..")
            {
                throw new ArgumentException($"path escapes or is not normal ('{part}' component): {PathCodec.Display(path)}");
            }
            result[i] = Z(PathCodec.Encode(part));
        }
        if (!allowOwnArea && parts[0] == OwnArea)
        {
            throw new ArgumentException($"{OwnArea}/ is the agent's own area: {PathCodec.Display(path)}");
        }
        return result;
    }

    /// <summary>True for `.psync` and everything below it.</summary>
    public static bool IsOwn(string path) => PathOrder.IsSameOrBelow(path, OwnArea);

    /// <summary>NUL-terminates a byte string for a libc call.</summary>
    public static byte[] Z(ReadOnlySpan<byte> bytes)
    {
        var z = new byte[bytes.Length + 1];
        bytes.CopyTo(z);
        return z;
    }
}
