using System.Diagnostics;
using Psync.Tests;

namespace Psync.Native.Tests;

/// <summary>How a test runs cinotify on a <see cref="TempTree"/>; each test class has one variant per way.</summary>
public enum CinotifyLaunch
{
    /// <summary>The build's binary (<see cref="CinotifyProcess.BinaryPath"/>) on the tree's host path.</summary>
    Native,

    /// <summary>
    /// The shipped static cinotify of this host's runtime (artifacts/agent/RID/) in an empty root:
    /// <c>chroot BASE /cinotify /root</c>, BASE holding only a copy of it, the tree and its outside
    /// sibling (no /lib, /usr or /proc).
    /// </summary>
    EmptyRoot,

    /// <summary>The shipped linux-arm64 cinotify under <c>qemu-aarch64-static</c> (no binfmt_misc needed).</summary>
    QemuArm64,
}

internal static class CinotifyCommand
{
    /// <summary>The command that runs cinotify on <paramref name="tree"/>'s root the <paramref name="launch"/> way.</summary>
    public static ProcessStartInfo For(CinotifyLaunch launch, TempTree tree) => launch switch
    {
        CinotifyLaunch.Native => new ProcessStartInfo(CinotifyProcess.BinaryPath) { ArgumentList = { tree.Root } },
        CinotifyLaunch.EmptyRoot => new ProcessStartInfo(FindProgram("chroot", "coreutils"))
        {
            ArgumentList = { tree.Base, "/" + InstallInto(tree.Base, Shipped(RepoFiles.HostRuntime)), "/" + Path.GetRelativePath(tree.Base, tree.Root) },
        },
        CinotifyLaunch.QemuArm64 => new ProcessStartInfo(FindProgram("qemu-aarch64-static", "qemu-user-static"))
        {
            ArgumentList = { Shipped("linux-arm64"), tree.Root },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(launch), launch, null),
    };

    /// <summary>The cinotify that scripts/publish-agent.sh ships beside psync-agent for <paramref name="runtime"/>.</summary>
    private static string Shipped(string runtime) => Path.Combine(Path.GetDirectoryName(RepoFiles.PublishedAgent(runtime))!, "cinotify");

    /// <summary>Copies <paramref name="binary"/> into <paramref name="dir"/> and returns its name there.</summary>
    /// <remarks>
    /// Copied by install(1), not by this process: a file this process had open for writing could be
    /// inherited by a child that another test forks at that moment, and exec of the copy would then
    /// fail with ETXTBSY ("Text file busy") until that child execs.
    /// </remarks>
    private static string InstallInto(string dir, string binary)
    {
        const string name = "cinotify";
        using var install = Process.Start(new ProcessStartInfo(FindProgram("install", "coreutils"))
        {
            ArgumentList = { "-m", "0755", "--", binary, Path.Combine(dir, name) },
        })!;
        if (!install.WaitForExit(30_000) || install.ExitCode != 0)
        {
            throw new IOException($"install {binary} into {dir} failed");
        }
        return name;
    }

    private static string FindProgram(string program, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"{program} is not on PATH: install {package} (scripts/deps.sh does)");
    }
}
