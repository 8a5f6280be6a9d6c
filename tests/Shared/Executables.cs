using System.Diagnostics;

namespace Psync.Tests;

/// <summary>Finding programs on PATH and placing copies of executables for tests that run them (linked into the test projects that need it).</summary>
internal static class Executables
{
    /// <summary>The full path of <paramref name="program"/> on $PATH, or a failure that says which package brings it.</summary>
    public static string Find(string program, string package)
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

    /// <summary>Copies the executable <paramref name="from"/> to <paramref name="to"/> (mode 0755).</summary>
    /// <remarks>
    /// Copied by install(1), not by this process: a file this process had open for writing could be
    /// inherited by a child that another test forks at that moment, and exec of the copy would then
    /// fail with ETXTBSY ("Text file busy") until that child execs.
    /// </remarks>
    public static void Install(string from, string to)
    {
        using var install = Process.Start(new ProcessStartInfo(Find("install", "coreutils")) { ArgumentList = { "-m", "0755", "--", from, to } })!;
        if (!install.WaitForExit(30_000) || install.ExitCode != 0)
        {
            throw new IOException($"install {from} {to} failed");
        }
    }
}
