namespace Psync.Engine.Tests.Check;

/// <summary>Two temp trees, left and right, deleted on dispose.</summary>
internal sealed class TempTrees : IDisposable
{
    private static readonly DateTime Stamp = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    public TempTrees()
    {
        Folder = Directory.CreateTempSubdirectory("psync-check-").FullName;
        Left = Path.Combine(Folder, "left");
        Right = Path.Combine(Folder, "right");
        Directory.CreateDirectory(Left);
        Directory.CreateDirectory(Right);
    }

    public string Folder { get; }

    public string Left { get; }

    public string Right { get; }

    /// <summary>Writes the same file (content, mode, mtime) on both sides.</summary>
    public void Both(string relative, string content = "same")
    {
        OnSide(Left, relative, content);
        OnSide(Right, relative, content);
    }

    public void DirBoth(string relative)
    {
        Directory.CreateDirectory(Path.Combine(Left, relative));
        Directory.CreateDirectory(Path.Combine(Right, relative));
    }

    /// <summary>Writes a file on one side with the shared mtime unless told otherwise.</summary>
    public static void OnSide(string root, string relative, string content = "same", DateTime? mtime = null)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetLastWriteTimeUtc(path, mtime ?? Stamp);
    }

    public static DateTime SharedTime => Stamp;

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
