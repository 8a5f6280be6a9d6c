namespace Psync.Engine.Tests.Remote;

/// <summary>
/// A loopback sshd whose sessions find some programs replaced by small scripts first in PATH (a test-only
/// stand-in for another kind of host: <c>uname -m</c> answering aarch64, an old rsync), everything else as usual.
/// </summary>
internal static class ShimmedHost
{
    /// <summary>An sshd fixture (not started) whose sessions run <paramref name="shims"/> (name → sh script body) before the system's programs.</summary>
    public static (SshdFixture Sshd, string Bin) Create(IReadOnlyDictionary<string, string> shims)
    {
        var bin = RemoteTestFiles.TempDir("psync-shims-");
        foreach (var (name, body) in shims)
        {
            var path = Path.Combine(bin, name);
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
        return (new SshdFixture { PathOverride = $"{bin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" }, bin);
    }

    /// <summary>A <c>uname</c> that says <paramref name="machine"/> for -m and asks the real one otherwise.</summary>
    public static string Uname(string machine) =>
        $"if [ \"$1\" = -m ]; then echo {machine}; else exec /usr/bin/uname \"$@\"; fi";
}
