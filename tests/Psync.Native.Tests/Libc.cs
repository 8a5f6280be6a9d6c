using System.Runtime.InteropServices;

namespace Psync.Native.Tests;

/// <summary>
/// libc calls for what .NET cannot do: names that are not UTF-8 (passed as NUL-terminated bytes)
/// and stopping a process.
/// </summary>
internal static partial class Libc
{
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int SigCont = 18;
    public const int SigStop = 19;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte[] path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MkDir(byte[] path, uint mode);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static partial int Rename(byte[] from, byte[] to);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Creates (or truncates nothing of) an empty file at a byte path.</summary>
    public static void CreateFile(byte[] path)
    {
        var fd = Open(CString(path), OWrOnly | OCreat, 0x1a4 /* 0644 */);
        Check(fd, "open", path);
        Check(Close(fd), "close", path);
    }

    public static void CreateDirectory(byte[] path) =>
        Check(MkDir(CString(path), 0x1ed /* 0755 */), "mkdir", path);

    public static void Move(byte[] from, byte[] to) =>
        Check(Rename(CString(from), CString(to)), "rename", from);

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static byte[] CString(byte[] path) => [.. path, 0];

    private static void Check(int rc, string call, byte[] path)
    {
        if (rc < 0)
        {
            throw new IOException($"{call}({Convert.ToHexString(path)}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
