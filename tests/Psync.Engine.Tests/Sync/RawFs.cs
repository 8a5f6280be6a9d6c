using System.Runtime.InteropServices;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>
/// File-system calls .NET cannot make: names that are arbitrary bytes, paths longer than
/// PATH_MAX (walked one component at a time from a descriptor), FIFOs and device nodes.
/// </summary>
internal static unsafe partial class RawFs
{
    public const int PathMax = 4096;

    private const int ORdOnly = 0;
    private const int OWrOnly = 1;
    private const int OCreat = 0x40;
    private const int OTrunc = 0x200;
    private const int ODirectory = 0x10000;
    private const int ENameTooLong = 36;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int openat(int dirfd, byte* path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mkdirat(int dirfd, byte* path, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mknodat(int dirfd, byte* path, uint mode, ulong dev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buf, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buf, nuint count);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    /// <summary>Creates an empty file whose name is arbitrary bytes (.NET cannot name a file with invalid UTF-8).</summary>
    public static void CreateRaw(string dir, byte[] name) => WriteFile(dir, [name], []);

    /// <summary>Creates a FIFO (0x1000) or a character device (0x2000, with <paramref name="dev"/>) named <paramref name="name"/> in <paramref name="dir"/>.</summary>
    public static void MakeNode(string dir, string name, uint type, ulong dev = 0)
    {
        var fd = OpenDir(dir);
        try
        {
            fixed (byte* p = Z(PathCodec.Encode(name)))
            {
                Check(mknodat(fd, p, type | 0x1A4, dev), $"mknod {name}");
            }
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>Writes <paramref name="content"/> to dir/components…, making the directories on the way: the whole path may exceed PATH_MAX.</summary>
    public static void WriteFile(string dir, IReadOnlyList<byte[]> components, byte[] content)
    {
        var fd = WalkTo(dir, components, create: true);
        try
        {
            fixed (byte* p = Z(components[^1]))
            {
                var file = Check(openat(fd, p, OWrOnly | OCreat | OTrunc, 0x1A4), "create");
                fixed (byte* b = content)
                {
                    var written = write(file, b, (nuint)content.Length);
                    close(file);
                    Assert.Equal(content.Length, (int)written);
                }
            }
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>The content of dir/components…, or null when it (or a directory on the way) does not exist.</summary>
    public static byte[]? ReadFile(string dir, IReadOnlyList<byte[]> components)
    {
        int fd;
        try
        {
            fd = WalkTo(dir, components, create: false);
        }
        catch (IOException)
        {
            return null;
        }
        try
        {
            int file;
            fixed (byte* p = Z(components[^1]))
            {
                file = openat(fd, p, ORdOnly, 0);
            }
            if (file < 0)
            {
                return null;
            }
            using var buffer = new MemoryStream();
            var chunk = new byte[65536];
            fixed (byte* b = chunk)
            {
                nint n;
                while ((n = read(file, b, (nuint)chunk.Length)) > 0)
                {
                    buffer.Write(chunk, 0, (int)n);
                }
            }
            close(file);
            return buffer.ToArray();
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>True when a path of this length cannot be named in one system call (the test's own check that a deep path is deep enough).</summary>
    public static bool TooLongForOneCall(string path)
    {
        fixed (byte* p = Z(PathCodec.Encode(path)))
        {
            return openat(-100, p, ORdOnly, 0) < 0 && Marshal.GetLastPInvokeError() == ENameTooLong;
        }
    }

    /// <summary>Opens the directory that holds the last of <paramref name="components"/>.</summary>
    private static int WalkTo(string dir, IReadOnlyList<byte[]> components, bool create)
    {
        var fd = OpenDir(dir);
        for (var i = 0; i < components.Count - 1; i++)
        {
            fixed (byte* p = Z(components[i]))
            {
                if (create)
                {
                    mkdirat(fd, p, 0x1ED);
                }
                var next = openat(fd, p, ORdOnly | ODirectory, 0);
                var errno = Marshal.GetLastPInvokeError();
                close(fd);
                if (next < 0)
                {
                    throw new IOException($"open component {i}: errno {errno}");
                }
                fd = next;
            }
        }
        return fd;
    }

    private static int OpenDir(string dir)
    {
        fixed (byte* p = Z(PathCodec.Encode(dir)))
        {
            return Check(openat(-100, p, ORdOnly | ODirectory, 0), $"open {dir}");
        }
    }

    private static int Check(int rc, string what)
    {
        Assert.True(rc >= 0, $"{what} failed: errno {Marshal.GetLastPInvokeError()}");
        return rc;
    }

    private static byte[] Z(byte[] bytes) => [.. bytes, 0];
}
