using System.Diagnostics;
using System.Globalization;

namespace Psync.Bench;

/// <summary>
/// A folder on a fresh ext4 file system of its own (a sparse image on a loop device, when running
/// as root), so that a big tree's figures do not depend on what the disk went through before; else
/// a temp folder. Removed, image and all, on dispose.
/// </summary>
internal sealed class ScratchFs : IDisposable
{
    private readonly string? _image;

    private ScratchFs(string dir, string? image, string kind)
    {
        Dir = dir;
        _image = image;
        Kind = kind;
    }

    public string Dir { get; }

    /// <summary>Set by <c>--tmpfs</c>: <see cref="Create"/> makes a private tmpfs instead (as root).</summary>
    public static bool InMemory { get; set; }

    /// <summary>What the folder is on, for the report.</summary>
    public string Kind { get; }

    /// <param name="name">The folder's name.</param>
    /// <param name="inodes">Files and folders it must hold (each gets 4 KiB of room).</param>
    public static ScratchFs Create(string name, long inodes)
    {
        // tmpfs gives each small file a 4 KiB page: room for that and its inode.
        if (InMemory && CreateTmpfs(name, Math.Max(1L << 30, inodes * 5120)) is { } memory)
        {
            return memory;
        }
        if (Environment.UserName != "root" || Tools.Which("mkfs.ext4") is null)
        {
            return new ScratchFs(Directory.CreateTempSubdirectory(name + "-").FullName, null, "the temp folder's file system");
        }
        var image = Path.Combine("/var/tmp", $"{name}-{Environment.ProcessId}.ext4");
        var bytes = Math.Max(4L << 30, inodes * 4096 * 13 / 10);
        var dir = Directory.CreateDirectory(Path.Combine("/var/tmp", $"{name}-{Environment.ProcessId}")).FullName;
        using (var sparse = File.Create(image))
        {
            sparse.SetLength(bytes);
        }
        File.SetUnixFileMode(image, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // One inode per 4 KiB; noinit_itable keeps the kernel from zeroing inode tables in the background while we measure.
        Check("mkfs.ext4", "-q", "-F", "-i", "4096", image);
        Check("mount", "-o", "loop,noinit_itable", image, dir);
        return new ScratchFs(dir, image, string.Create(CultureInfo.InvariantCulture, $"a fresh {bytes >> 30} GiB ext4 (loop device)"));
    }

    /// <summary>A private tmpfs of <paramref name="bytes"/> (as root; else null): no disk at all, so what is left is Psync's own cost.</summary>
    public static ScratchFs? CreateTmpfs(string name, long bytes)
    {
        if (Environment.UserName != "root")
        {
            return null;
        }
        var dir = Directory.CreateDirectory(Path.Combine("/var/tmp", $"{name}-tmpfs-{Environment.ProcessId}")).FullName;
        Check("mount", "-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={bytes},mode=0700"), "tmpfs", dir);
        return new ScratchFs(dir, "", string.Create(CultureInfo.InvariantCulture, $"a private {bytes >> 20} MiB tmpfs"));
    }

    public void Dispose()
    {
        if (_image is null)
        {
            Directory.Delete(Dir, recursive: true);
            return;
        }
        Check("umount", "--lazy", Dir);
        Directory.Delete(Dir);
        if (_image.Length > 0)
        {
            File.Delete(_image);
        }
    }

    private static void Check(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new IOException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {error.Trim()}");
        }
    }
}
