using System.Globalization;
using System.Text;
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
    private const string Dir = ".psync/trash";
    private long _seq;

    /// <summary>
    /// Moves <paramref name="parent"/>'s leaf to the trash if it still is <paramref name="expected"/>.
    /// Returns null on success, or the state found when the compare failed (the entry then stays
    /// where it was, or in the trash if it could not be put back: nothing is ever unlinked).
    /// </summary>
    public FileState? Displace(in Parent parent, in Expect expected)
    {
        var actual = RootFs.Stat(parent.Fd, parent.Leaf);
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
            var idZ = RelPath.Z(Encoding.ASCII.GetBytes(id));
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
        return string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMdd'T'HHmmss'.'fff'Z'}-{Environment.ProcessId}-{seq}");
    }

    private void AppendLog(string id, string path)
    {
        var record = new List<byte>(64);
        record.AddRange(Encoding.ASCII.GetBytes(id));
        record.Add(0);
        record.AddRange(PathCodec.Encode(path));
        record.Add(0);
        var name = RelPath.Z(".psync/trash.log"u8);
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
        RandomAccess.Write(handle, record.ToArray(), fileOffset: 0);
    }

    /// <summary>
    /// Rewrites <c>.psync/trash.log</c> keeping only the records whose trash entry still exists
    /// (after a purge), so the log does not grow forever. Written beside and renamed over.
    /// </summary>
    public void PruneLog()
    {
        var log = RelPath.Z(".psync/trash.log"u8);
        var tmp = RelPath.Z(".psync/trash.log.tmp"u8);
        int fd;
        fixed (byte* p = log)
        {
            fd = Libc.openat(fs.RootFd, p, Libc.ORdOnly | Libc.OCloExec | Libc.ONoFollow, 0);
        }
        if (fd < 0)
        {
            return; // no log yet
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
        var trashFd = fs.OpenOwnDir(Dir);
        HashSet<string> present;
        try
        {
            present = [.. Tree.List(trashFd).Select(e => Encoding.ASCII.GetString(e.Name))];
        }
        finally
        {
            Libc.close(trashFd);
        }
        var kept = new List<byte>(content.Length);
        var rest = content.AsSpan();
        while (rest.IndexOf((byte)0) is var idEnd and >= 0)
        {
            var pathEnd = rest[(idEnd + 1)..].IndexOf((byte)0);
            if (pathEnd < 0)
            {
                break; // a record cut short: dropped
            }
            var record = rest[..(idEnd + 1 + pathEnd + 1)];
            if (present.Contains(Encoding.ASCII.GetString(rest[..idEnd])))
            {
                kept.AddRange(record);
            }
            rest = rest[record.Length..];
        }
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
