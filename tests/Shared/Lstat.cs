using System.Runtime.InteropServices;

namespace Psync.Tests;

/// <summary>What .NET does not tell about a file: numeric owner, link count, inode, allocated blocks (statx without following a symlink); and lchown.</summary>
/// <param name="Uid">The numeric owner.</param>
/// <param name="Gid">The numeric group.</param>
/// <param name="Links">How many names the file has.</param>
/// <param name="Inode">The inode number.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Blocks">512-byte blocks allocated: a sparse file has fewer than its size needs.</param>
/// <param name="CtimeNs">The inode's change time, in nanoseconds since the epoch.</param>
public readonly partial record struct Lstat(uint Uid, uint Gid, uint Links, ulong Inode, ulong Size, ulong Blocks, long CtimeNs)
{
    public string Owner => $"{Uid}:{Gid}";

    /// <summary>True when the tests run as root (CI does): only root gives a file away.</summary>
    public static bool IsRoot => Native.geteuid() == 0;

    public static unsafe Lstat Of(string path)
    {
        var buf = stackalloc byte[256];
        if (Native.statx(-100, path, 0x100, 0x7ff, buf) != 0)
        {
            throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        // struct statx: mask, blksize, attributes, nlink, uid, gid, mode, spare, ino, size, blocks, attributes_mask, atime, btime, ctime.
        return new Lstat(*(uint*)(buf + 20), *(uint*)(buf + 24), *(uint*)(buf + 16), *(ulong*)(buf + 32), *(ulong*)(buf + 40), *(ulong*)(buf + 48),
            (*(long*)(buf + 96) * 1_000_000_000L) + *(uint*)(buf + 104));
    }

    /// <summary>Sets the numeric owner and group of <paramref name="path"/> without following a symlink.</summary>
    public static void Chown(string path, uint uid, uint gid)
    {
        if (Native.lchown(path, uid, gid) != 0)
        {
            throw new IOException($"lchown {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <summary>Gives <paramref name="existing"/> a second name (link(2)).</summary>
    public static void HardLink(string existing, string name)
    {
        if (Native.link(existing, name) != 0)
        {
            throw new IOException($"link {name}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    private static unsafe partial class Native
    {
        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int statx(int dirfd, string path, int flags, uint mask, byte* buf);

        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int lchown(string path, uint owner, uint group);

        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int link(string existing, string name);

        [LibraryImport("libc")]
        public static partial uint geteuid();
    }
}
