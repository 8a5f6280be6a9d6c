using System.Diagnostics;

namespace Psync.Engine.Tests.Sync;

/// <summary>A small tmpfs mounted on a new temp folder (the tests run as root), unmounted and removed on dispose.</summary>
internal sealed class Tmpfs : IDisposable
{
    private Tmpfs(string dir) => Dir = dir;

    public string Dir { get; }

    public static Tmpfs Mount(string size)
    {
        var dir = Directory.CreateTempSubdirectory("psync-tmpfs-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", dir);
        return new Tmpfs(dir);
    }

    public void Dispose()
    {
        Run("umount", "-l", Dir);
        Directory.Delete(Dir);
    }

    private static void Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {error}");
    }
}
