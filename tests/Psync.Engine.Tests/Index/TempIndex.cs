using Psync.Engine.Index;
using Psync.Protocol;

namespace Psync.Engine.Tests.Index;

/// <summary>A temp data folder for one test; deleted (with the index file) on dispose.</summary>
internal sealed class TempIndex : IDisposable
{
    public TempIndex()
    {
        Folder = Path.Combine(Path.GetTempPath(), "psync-index-tests", Guid.NewGuid().ToString("N"));
        DatabasePath = Path.Combine(Folder, "data", "index.db");
    }

    public string Folder { get; }

    public string DatabasePath { get; }

    public StateIndex Open() => StateIndex.Open(DatabasePath);

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    public static FileState FileSide(long size, long mtime, uint mode = 0x81A4, ulong ino = 1, long ctime = 1) =>
        new(EntryKind.File, size, mtime, mode, ino, ctime, null);

    public static FileState DirSide(ulong ino = 1, uint mode = 0x41ED, long mtime = 1) =>
        new(EntryKind.Directory, 4096, mtime, mode, ino, 1, null);

    /// <summary>An agreed file entry whose inodes tell the sides apart.</summary>
    public static IndexEntry FileEntry(string path, long size = 10, ulong ino = 1) =>
        new(path, FileSide(size, 1_000, ino: ino), FileSide(size, 2_000, ino: ino + 1_000_000));

    public static IndexEntry DirEntry(string path, ulong ino = 1) => new(path, DirSide(ino), DirSide(ino + 1_000_000));
}
