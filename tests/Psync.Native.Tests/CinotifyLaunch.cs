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
        CinotifyLaunch.EmptyRoot => new ProcessStartInfo(Executables.Find("chroot", "coreutils"))
        {
            ArgumentList = { tree.Base, "/" + InstallInto(tree.Base, Shipped(RepoFiles.HostRuntime)), "/" + Path.GetRelativePath(tree.Base, tree.Root) },
        },
        CinotifyLaunch.QemuArm64 => new ProcessStartInfo(Executables.Find("qemu-aarch64-static", "qemu-user-static"))
        {
            ArgumentList = { Shipped("linux-arm64"), tree.Root },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(launch), launch, null),
    };

    /// <summary>The cinotify that scripts/publish-agent.sh ships beside psync-agent for <paramref name="runtime"/>.</summary>
    private static string Shipped(string runtime) => Path.Combine(Path.GetDirectoryName(RepoFiles.PublishedAgent(runtime))!, "cinotify");

    /// <summary>Copies <paramref name="binary"/> into <paramref name="dir"/> and returns its name there.</summary>
    private static string InstallInto(string dir, string binary)
    {
        const string name = "cinotify";
        Executables.Install(binary, Path.Combine(dir, name));
        return name;
    }
}
