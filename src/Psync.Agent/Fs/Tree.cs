using Psync.Agent.Native;

namespace Psync.Agent.Fs;

/// <summary>Directory listing and removal on descriptors, never following symlinks.</summary>
internal static unsafe class Tree
{
    /// <summary>One directory entry: its name (not NUL-terminated) and d_type.</summary>
    public readonly record struct Entry(byte[] Name, byte Type);

    /// <summary>Opens <paramref name="leaf"/> in <paramref name="dirFd"/> as a readable directory, or returns -1 with errno set.</summary>
    public static int OpenDir(int dirFd, byte[] leaf)
    {
        fixed (byte* p = leaf)
        {
            return Libc.openat(dirFd, p, Libc.ORdOnly | Libc.ODirectory | Libc.ONoFollow | Libc.OCloExec, 0);
        }
    }

    /// <summary>Lists a directory (without "." and ".."). Does not close <paramref name="fd"/>.</summary>
    public static List<Entry> List(int fd)
    {
        var own = Libc.dup(fd);
        if (own < 0)
        {
            throw new ErrnoException(Libc.Errno, "dup");
        }
        var dir = Libc.fdopendir(own);
        if (dir == 0)
        {
            var errno = Libc.Errno;
            Libc.close(own);
            throw new ErrnoException(errno, "opendir");
        }
        // A dup shares the file offset: an earlier listing of the same descriptor left it at the end.
        Libc.rewinddir(dir);
        var result = new List<Entry>();
        try
        {
            while (true)
            {
                System.Runtime.InteropServices.Marshal.SetLastPInvokeError(0);
                var entry = Libc.readdir(dir);
                if (entry == null)
                {
                    var errno = Libc.Errno;
                    if (errno != 0)
                    {
                        throw new ErrnoException(errno, "readdir");
                    }
                    return result;
                }
                var name = new ReadOnlySpan<byte>(entry->Name, 256);
                name = name[..name.IndexOf((byte)0)];
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }
                result.Add(new Entry(name.ToArray(), entry->Type));
            }
        }
        finally
        {
            Libc.closedir(dir);
        }
    }

    /// <summary>rm -r of <paramref name="leaf"/> (NUL-terminated) in <paramref name="parentFd"/>; absent is fine.</summary>
    public static void Remove(int parentFd, byte[] leaf)
    {
        fixed (byte* p = leaf)
        {
            if (Libc.unlinkat(parentFd, p, 0) == 0 || Libc.Errno == Libc.ENoEnt)
            {
                return;
            }
            if (Libc.Errno is not (Libc.EIsDir or Libc.EPerm))
            {
                throw new ErrnoException(Libc.Errno, "unlink");
            }
        }
        var fd = OpenDir(parentFd, leaf);
        if (fd < 0)
        {
            throw new ErrnoException(Libc.Errno, "open directory to remove");
        }
        try
        {
            foreach (var entry in List(fd))
            {
                Remove(fd, RelPath.Z(entry.Name));
            }
        }
        finally
        {
            Libc.close(fd);
        }
        fixed (byte* p = leaf)
        {
            if (Libc.unlinkat(parentFd, p, Libc.AtRemoveDir) != 0 && Libc.Errno != Libc.ENoEnt)
            {
                throw new ErrnoException(Libc.Errno, "rmdir");
            }
        }
    }
}
