namespace Psync.Engine;

/// <summary>A folder no root may be, hold or lie inside, with what it is (for the message).</summary>
public sealed record ProtectedFolder(string What, string Path);

/// <summary>
/// Which folders may be a pair's root: one rule for the API, the form, the CLI and the engine's start.
/// A local root is resolved first (symlinks included; for a path that does not exist yet, its deepest
/// existing ancestor), so a link cannot bring a refused tree in. Refused: <c>/</c>, a system tree (or a
/// folder that holds one), a protected folder (the appliance's data folder, its own binaries) or one
/// that holds or lies inside it, and, when allowed parents are set, anything outside them. A remote
/// root cannot be resolved here: it gets the textual checks (<c>/</c>, system trees).
/// </summary>
public sealed class RootPolicy(IReadOnlyList<ProtectedFolder> protectedFolders, IReadOnlyList<string> allowedParents, bool refuseSystemTrees = true)
{
    /// <summary>Trees of the operating system, refused by default; every top-level <c>/lib*</c> too.</summary>
    public static readonly IReadOnlyList<string> SystemTrees =
    [
        "/proc", "/sys", "/dev", "/etc", "/boot", "/efi", "/usr", "/bin", "/sbin", "/run", "/root", "/snap",
        "/var/lib", "/var/run", "/var/log", "/var/cache", "/var/spool", "/var/mail", "/lost+found",
    ];

    /// <summary>The rules without appliance folders or allowed parents: <c>/</c> and the system trees (the engine's start, the CLI).</summary>
    public static RootPolicy Default { get; } = new([], []);

    /// <summary>How many symlinks a resolution follows before it gives up (as the kernel's ELOOP).</summary>
    private const int MaxLinks = 40;

    /// <summary>Why <paramref name="root"/>, an absolute path on this machine, cannot be a root; null when it can.</summary>
    public string? LocalRefusal(string root)
    {
        string real;
        try
        {
            real = Resolve(root);
        }
        catch (IOException e)
        {
            // Fail closed: a root whose real place cannot be told is not taken.
            return $"{root} cannot be checked: {e.Message}";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"{root} cannot be checked: {e.Message}";
        }
        var shown = real == Normalize(root) ? root : $"{root} (which is {real})";
        if (TextualRefusal(real, shown) is { } refusal)
        {
            return refusal;
        }
        foreach (var folder in protectedFolders)
        {
            var path = Resolve(folder.Path);
            if (Nested(real, path))
            {
                return $"{shown} cannot be a root: it is, holds or lies inside {folder.What} {path}.";
            }
        }
        if (allowedParents.Count > 0 && !allowedParents.Any(parent => Inside(real, Resolve(parent))))
        {
            return $"{shown} cannot be a root: roots must lie inside one of the allowed folders {string.Join(", ", allowedParents)}.";
        }
        return null;
    }

    /// <summary>Why <paramref name="root"/>, a path on the right host, cannot be a root: the checks that need no file system (a relative path is below the login's home there).</summary>
    public string? RemoteRefusal(string root) => root.StartsWith('/') ? TextualRefusal(Normalize(root), root) : null;

    private string? TextualRefusal(string path, string shown)
    {
        if (path == "/")
        {
            return $"{shown} cannot be a root: / holds the whole system.";
        }
        if (!refuseSystemTrees)
        {
            return null;
        }
        var top = path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0];
        if (top.StartsWith("lib", StringComparison.Ordinal))
        {
            return $"{shown} cannot be a root: /{top} is a system tree.";
        }
        if (SystemTrees.FirstOrDefault(tree => Inside(path, tree)) is { } inside)
        {
            return $"{shown} cannot be a root: {inside} is a system tree.";
        }
        return SystemTrees.FirstOrDefault(tree => Inside(tree, path)) is { } held
            ? $"{shown} cannot be a root: it holds the system tree {held}."
            : null;
    }

    /// <summary>
    /// The real path of <paramref name="path"/> (absolute), as realpath(3) would give it, except that a
    /// path that does not exist yet resolves its deepest existing ancestor and keeps the rest as written.
    /// </summary>
    public static string Resolve(string path)
    {
        var pending = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = "/";
        var links = 0;
        var exists = true;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = System.IO.Path.GetDirectoryName(current) ?? "/";
                continue;
            }
            var next = System.IO.Path.Join(current, part);
            if (exists && new FileInfo(next).LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"too many levels of symbolic links at {next}");
                }
                foreach (var piece in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(piece);
                }
                if (target.StartsWith('/'))
                {
                    current = "/";
                }
                continue;
            }
            exists = exists && System.IO.Path.Exists(next);
            current = next;
        }
        return current;
    }

    private static string Normalize(string path) => path == "/" ? path : System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies inside it.</summary>
    private static bool Inside(string path, string folder) =>
        path == folder || path.StartsWith(folder == "/" ? folder : folder + "/", StringComparison.Ordinal);

    /// <summary>Whether two normalized absolute paths are the same folder or one lies inside the other.</summary>
    public static bool Nested(string a, string b) => Inside(a, b) || Inside(b, a);
}
