using System.Runtime.InteropServices;

namespace Psync.Agent.Native;

/// <summary>
/// The libc calls the agent needs. File names cross as raw NUL-terminated bytes, never as .NET
/// strings, so names that are not UTF-8 survive. Only *at() calls on directory descriptors are
/// used, which keeps every operation confined to the descriptor it starts from.
/// </summary>
internal static unsafe partial class Libc
{
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtRemoveDir = 0x200;
    public const int AtEmptyPath = 0x1000;
    public const uint RenameNoReplace = 1;
    public const uint StatxBasicStats = 0x7ff;

    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int OTrunc = 0x200;
    public const int OAppend = 0x400;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;
    public const int OPath = 0x200000;

    // These two differ between x86-64 and arm64.
    public static readonly int ODirectory = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;
    public static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int EExist = 17;
    public const int ENotDir = 20;
    public const int EIsDir = 21;
    public const int EInval = 22;
    public const int ENoSpc = 28;
    public const int ENotEmpty = 39;
    public const int ELoop = 40;
    public const int ENoSys = 38;
    public const int EAgain = 11;
    public const int ENameTooLong = 36;
    public const int EOpNotSupp = 95;

    public const byte DtUnknown = 0;
    public const byte DtDir = 4;

    public const uint SIfMt = 0xF000;
    public const uint SIfReg = 0x8000;
    public const uint SIfDir = 0x4000;
    public const uint SIfLnk = 0xA000;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int openat(int dirfd, byte* path, int flags, uint mode);

    /// <summary>openat2's number: one for every architecture (Linux 5.6 and later).</summary>
    private const long SysOpenat2 = 437;

    public const ulong ResolveNoMagicLinks = 0x02;
    public const ulong ResolveNoSymlinks = 0x04;
    public const ulong ResolveBeneath = 0x08;

    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int dirfd, byte* path, OpenHow* how, nuint size);

    /// <summary>openat2(2) without O_CREAT; -1 with ENOSYS on a kernel before 5.6 (EPERM under some seccomp filters).</summary>
    public static int openat2(int dirfd, byte* path, int flags, ulong resolve)
    {
        var how = new OpenHow { Flags = (ulong)(uint)flags, Resolve = resolve };
        return (int)Syscall(SysOpenat2, dirfd, path, &how, (nuint)sizeof(OpenHow));
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int execvp(byte* file, byte** argv);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_destroy(void* actions);

    /// <summary>Returns an errno value (0 on success), not -1.</summary>
    [LibraryImport("libc")]
    public static partial int posix_spawnp(int* pid, byte* file, void* actions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int getsockopt(int fd, int level, int name, void* value, uint* length);

    [LibraryImport("libc")]
    public static partial uint geteuid();

    public const int SolSocket = 1;
    public const int SoPeerCred = 17;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fchownat(int dirfd, byte* path, uint owner, uint group, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int syncfs(int fd);

    public const int ClockRealtimeCoarse = 5;

    public const int ENoData = 61;
    public const int ERange = 34;

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint flistxattr(int fd, byte* list, nuint size);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint fgetxattr(int fd, byte* name, byte* value, nuint size);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fsetxattr(int fd, byte* name, byte* value, nuint size, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fremovexattr(int fd, byte* name);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int clock_gettime(int clock, Timespec* time);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int statx(int dirfd, byte* path, int flags, uint mask, Statx* buf);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int renameat2(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int unlinkat(int dirfd, byte* path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int mkdirat(int dirfd, byte* path, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int symlinkat(byte* target, int newdirfd, byte* linkpath);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint readlinkat(int dirfd, byte* path, byte* buf, nuint bufsiz);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fchmodat(int dirfd, byte* path, uint mode, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fchmod(int fd, uint mode);

    /// <summary>
    /// chmod of <paramref name="path"/> in <paramref name="dirfd"/> that never follows a symlink. glibc before
    /// 2.39 does fchmodat's AT_SYMLINK_NOFOLLOW through /proc/self/fd, which a chroot or a container
    /// without /proc lacks (EOPNOTSUPP): then the file is opened with O_NOFOLLOW and changed through
    /// its descriptor (for reading, or for writing when it is not readable).
    /// </summary>
    public static int ChmodNoFollow(int dirfd, byte* path, uint mode)
    {
        if (fchmodat(dirfd, path, mode, AtSymlinkNoFollow) == 0)
        {
            return 0;
        }
        if (Errno != EOpNotSupp)
        {
            return -1;
        }
        var fd = openat(dirfd, path, ORdOnly | ONoFollow | OCloExec | ONonBlock, 0);
        if (fd < 0)
        {
            fd = openat(dirfd, path, OWrOnly | ONoFollow | OCloExec | ONonBlock, 0);
        }
        if (fd < 0)
        {
            return -1;
        }
        var result = fchmod(fd, mode);
        var errno = Errno;
        close(fd);
        Marshal.SetLastPInvokeError(errno);
        return result;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int utimensat(int dirfd, byte* path, Timespec* times, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint fdopendir(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial Dirent* readdir(nint dir);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int closedir(nint dir);

    [LibraryImport("libc")]
    public static partial void rewinddir(nint dir);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int dup(int fd);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    public const long UtimeOmit = (1L << 30) - 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct StatxTimestamp
    {
        public long Sec;
        public uint Nsec;
        public int Reserved;

        public readonly long Ns => (Sec * 1_000_000_000L) + Nsec;
    }

    /// <summary>struct statx: the same layout on every Linux architecture.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct Statx
    {
        public uint Mask;
        public uint BlkSize;
        public ulong Attributes;
        public uint NLink;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        public ushort Spare0;
        public ulong Ino;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatxTimestamp ATime;
        public StatxTimestamp BTime;
        public StatxTimestamp CTime;
        public StatxTimestamp MTime;
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;
    }

    /// <summary>glibc's struct dirent on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Dirent
    {
        public ulong Ino;
        public long Off;
        public ushort RecLen;
        public byte Type;
        public fixed byte Name[256];
    }
}

/// <summary>A failed system call, with the errno and what was being done.</summary>
internal sealed class ErrnoException(int errno, string what)
    : IOException($"{what}: {Libc.Describe(errno)}")
{
    public int Errno { get; } = errno;
}
