using System.Globalization;
using Psync.Agent.Native;
using Psync.Protocol;

namespace Psync.Agent.Fs;

/// <summary>
/// <c>.psync/trash/</c>: every deleted or displaced version is renamed here (flat, under a
/// time-stamped id) instead of being unlinked, and <c>.psync/trash.log</c> records which path it
/// had, so nothing the engine removes is lost.
/// </summary>
internal sealed unsafe class Trash(RootFs fs, TimeProvider clock)
{
    /// <summary>An id starts with the UTC time its entry went to the trash, in this format.</summary>
    public const string IdTimeFormat = "yyyyMMdd'T'HHmmss'.'fff'Z'";

    private const string Dir = ".psync/trash";
    private static readonly byte[] Log = ".psync/trash.log"u8.ToArray();
    private long _seq;

    /// <summary>
    /// Moves <paramref name="parent"/>'s leaf to the trash if it still is <paramref name="expected"/>.
    /// Returns null on success, or the state found when the compare failed (the entry then stays
    /// where it was, or in the trash if it could not be put back: nothing is ever unlinked).
    /// <paramref name="known"/> is the leaf's state if the caller has just read it (null: read here):
    /// the compare before the rename only saves a rename, the one after it decides.
    /// </summary>
    public FileState? Displace(in Parent parent, in Expect expected, FileState? known = null)
    {
        var actual = known ?? RootFs.Stat(parent.Fd, parent.Leaf);
        if (!expected.Admits(actual))
        {
            return actual;
        }
        if (!actual.Exists)
        {
            return null;
        }
        var trashFd = fs.OpenOwnDir(Dir);
        try
        {
            var id = NewId();
            var idZ = RelPath.Z(PathCodec.Encode(id));
            Rename(parent.Fd, parent.Leaf, trashFd, idZ, noReplace: true, $"move {PathCodec.Display(parent.Path)} to the trash");
            // The check above and the rename are two steps: if the path changed in between,
            // what we moved is not what the engine meant to remove. Put it back.
            var moved = RootFs.Stat(trashFd, idZ);
            if (!expected.Admits(moved) || (actual.Inode != 0 && moved.Inode != actual.Inode))
            {
                if (TryRename(trashFd, idZ, parent.Fd, parent.Leaf, noReplace: true) != 0)
                {
                    AppendLog(id, parent.Path); // could not go back: it stays safe in the trash
                }
                return moved;
            }
            AppendLog(id, parent.Path);
            return null;
        }
        finally
        {
            Libc.close(trashFd);
        }
    }

    private string NewId()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var seq = Interlocked.Increment(ref _seq);
        return string.Create(CultureInfo.InvariantCulture, $"{now.ToString(IdTimeFormat, CultureInfo.InvariantCulture)}-{Environment.ProcessId}-{seq}");
    }

    /// <summary>Every entry in the trash, oldest first, with the path the log recorded for it. Creates nothing: a read-only agent lists too.</summary>
    public List<TrashItem> List()
    {
        int trashFd;
        try
        {
            trashFd = fs.OpenOwnDir(Dir, create: false);
        }
        catch (ErrnoException e) when (e.Errno == Libc.ENoEnt)
        {
            return [];
        }
        try
        {
            var paths = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (id, path) in ReadLog())
            {
                paths[id] = path; // the latest record of an id counts
            }
            var items = new List<TrashItem>();
            foreach (var entry in Tree.List(trashFd).OrderBy(e => e.Name, Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))))
            {
                var state = RootFs.Stat(trashFd, RelPath.Z(entry.Name));
                if (state.Exists)
                {
                    var id = PathCodec.Decode(entry.Name);
                    items.Add(new TrashItem(id, paths.GetValueOrDefault(id), TrashedUnixMs(id, state), state));
                }
            }
            return items;
        }
        finally
        {
            Libc.close(trashFd);
        }
    }

    /// <summary>When an entry went to the trash: the time its id starts with, else its ctime (the rename into the trash set it).</summary>
    private static long TrashedUnixMs(string id, in FileState state)
    {
        var length = IdTimeFormat.Replace("'", "", StringComparison.Ordinal).Length;
        return id.Length >= length && DateTime.TryParseExact(id[..length], IdTimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeMilliseconds()
            : state.CtimeNs / 1_000_000;
    }

    /// <summary>lstat of the trash entry <paramref name="id"/> (absent when there is none).</summary>
    public FileState Stat(string id)
    {
        var leaf = IdLeaf(id);
        int trashFd;
        try
        {
            trashFd = fs.OpenOwnDir(Dir, create: false);
        }
        catch (ErrnoException e) when (e.Errno == Libc.ENoEnt)
        {
            return FileState.Absent;
        }
        try
        {
            return RootFs.Stat(trashFd, leaf);
        }
        finally
        {
            Libc.close(trashFd);
        }
    }

    /// <summary>The path the log recorded for <paramref name="id"/> (its latest record), or null.</summary>
    public string? OriginalPath(string id)
    {
        string? found = null;
        foreach (var record in ReadLog())
        {
            if (record.Id == id)
            {
                found = record.Path;
            }
        }
        return found;
    }

    /// <summary>
    /// Renames the trash entry <paramref name="id"/> to <paramref name="target"/>, never replacing
    /// anything, then drops it from the log. Returns 0, or the errno of the rename (EEXIST: the
    /// target is taken; the entry then stays in the trash).
    /// </summary>
    public int Restore(string id, in Parent target)
    {
        var leaf = IdLeaf(id);
        var trashFd = fs.OpenOwnDir(Dir);
        try
        {
            if (TryRename(trashFd, leaf, target.Fd, target.Leaf, noReplace: true) != 0)
            {
                return Libc.Errno;
            }
        }
        finally
        {
            Libc.close(trashFd);
        }
        PruneLog();
        return 0;
    }

    /// <summary>A trash id as a NUL-terminated name in the trash; <see cref="ArgumentException"/> unless it is one plain name.</summary>
    private static byte[] IdLeaf(string id)
    {
        if (id.Length == 0 || id is "." or ".." || id.Contains('/', StringComparison.Ordinal) || id.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"a trash id is one plain name: {PathCodec.Display(id)}");
        }
        return RelPath.Z(PathCodec.Encode(id));
    }

    private void AppendLog(string id, string path)
    {
        var name = RelPath.Z(Log);
        int fd;
        fixed (byte* p = name)
        {
            fd = Libc.openat(fs.RootFd, p, Libc.OWrOnly | Libc.OCreat | Libc.OAppend | Libc.OCloExec | Libc.ONoFollow, 0x180);
        }
        if (fd < 0)
        {
            throw new ErrnoException(Libc.Errno, "open .psync/trash.log");
        }
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        RandomAccess.Write(handle, Record(id, path), fileOffset: 0);
    }

    /// <summary>One log record: the id and the path, each NUL-terminated.</summary>
    private static byte[] Record(string id, string path)
    {
        var record = new List<byte>(64);
        record.AddRange(PathCodec.Encode(id));
        record.Add(0);
        record.AddRange(PathCodec.Encode(path));
        record.Add(0);
        return [.. record];
    }

    /// <summary>The log's records in the order written (none when there is no log); a record cut short is dropped.</summary>
    private List<(string Id, string Path)> ReadLog()
    {
        var log = RelPath.Z(Log);
        int fd;
        fixed (byte* p = log)
        {
            fd = Libc.openat(fs.RootFd, p, Libc.ORdOnly | Libc.OCloExec | Libc.ONoFollow, 0);
        }
        if (fd < 0)
        {
            return Libc.Errno == Libc.ENoEnt ? [] : throw new ErrnoException(Libc.Errno, "open .psync/trash.log");
        }
        byte[] content;
        using (var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true))
        {
            content = new byte[RandomAccess.GetLength(handle)];
            var read = 0;
            while (read < content.Length)
            {
                var n = RandomAccess.Read(handle, content.AsSpan(read), read);
                if (n == 0)
                {
                    break;
                }
                read += n;
            }
        }
        var records = new List<(string, string)>();
        var rest = content.AsSpan();
        while (rest.IndexOf((byte)0) is var idEnd and >= 0)
        {
            var pathEnd = rest[(idEnd + 1)..].IndexOf((byte)0);
            if (pathEnd < 0)
            {
                break;
            }
            records.Add((PathCodec.Decode(rest[..idEnd]), PathCodec.Decode(rest.Slice(idEnd + 1, pathEnd))));
            rest = rest[(idEnd + 1 + pathEnd + 1)..];
        }
        return records;
    }

    /// <summary>
    /// Rewrites <c>.psync/trash.log</c> keeping only the records whose trash entry still exists
    /// (after a purge or a restore), so the log does not grow forever. Written beside and renamed over.
    /// </summary>
    public void PruneLog()
    {
        var records = ReadLog();
        if (records.Count == 0)
        {
            return;
        }
        var trashFd = fs.OpenOwnDir(Dir);
        HashSet<string> present;
        try
        {
            present = [.. Tree.List(trashFd).Select(e => PathCodec.Decode(e.Name))];
        }
        finally
        {
            Libc.close(trashFd);
        }
        var kept = new List<byte>();
        foreach (var (id, path) in records)
        {
            if (present.Contains(id))
            {
                kept.AddRange(Record(id, path));
            }
        }
        var log = RelPath.Z(Log);
        var tmp = RelPath.Z(".psync/trash.log.tmp"u8);
        int fd;
        fixed (byte* p = tmp)
        {
            fd = Libc.openat(fs.RootFd, p, Libc.OWrOnly | Libc.OCreat | Libc.OTrunc | Libc.OCloExec | Libc.ONoFollow, 0x180);
        }
        if (fd < 0)
        {
            throw new ErrnoException(Libc.Errno, "write .psync/trash.log.tmp");
        }
        using (var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true))
        {
            RandomAccess.Write(handle, kept.ToArray(), 0);
        }
        Rename(fs.RootFd, tmp, fs.RootFd, log, noReplace: false, "replace .psync/trash.log");
    }

    /// <summary>renameat2, falling back to a plain rename where the file system has no RENAME_NOREPLACE.</summary>
    public static void Rename(int fromFd, byte[] from, int toFd, byte[] to, bool noReplace, string what)
    {
        if (TryRename(fromFd, from, toFd, to, noReplace) != 0)
        {
            throw new ErrnoException(Libc.Errno, what);
        }
    }

    public static int TryRename(int fromFd, byte[] from, int toFd, byte[] to, bool noReplace)
    {
        fixed (byte* f = from)
        fixed (byte* t = to)
        {
            var rc = Libc.renameat2(fromFd, f, toFd, t, noReplace ? Libc.RenameNoReplace : 0);
            if (rc != 0 && noReplace && Libc.Errno is Libc.EInval or Libc.ENoSys)
            {
                // No RENAME_NOREPLACE here (old kernel or file system): check, then rename.
                if (RootFs.Stat(toFd, to).Exists)
                {
                    System.Runtime.InteropServices.Marshal.SetLastPInvokeError(Libc.EExist);
                    return -1;
                }
                rc = Libc.renameat2(fromFd, f, toFd, t, 0);
            }
            return rc;
        }
    }
}
