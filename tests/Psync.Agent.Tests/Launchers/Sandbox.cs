using System.Diagnostics;

namespace Psync.Agent.Tests.Launchers;

/// <summary>The folder around a test's tree: SANDBOX/tree, and whatever else the launcher puts beside it.</summary>
internal static class Sandbox
{
    public const string TreeName = "tree";

    /// <summary>Makes SANDBOX/tree and returns SANDBOX.</summary>
    public static string Create()
    {
        var sandbox = Directory.CreateTempSubdirectory("psync-agent-").FullName;
        Directory.CreateDirectory(Path.Combine(sandbox, TreeName));
        return sandbox;
    }

    /// <summary>The sandbox holding <paramref name="root"/> (SANDBOX/tree).</summary>
    public static string Of(string root) =>
        Path.GetFileName(root) == TreeName && Path.GetDirectoryName(root) is { } sandbox
            ? sandbox
            : throw new ArgumentException($"'{root}' is not a tree made by a launcher (SANDBOX/{TreeName})", nameof(root));

    /// <summary>Removes the sandbox of <paramref name="root"/> with everything in it, best effort.</summary>
    public static void Delete(string root)
    {
        var sandbox = Of(root);
        try
        {
            Directory.Delete(sandbox, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // .NET cannot address names that are not UTF-8 (the odd-name tests make some); rm can.
            using var rm = Process.Start(new ProcessStartInfo("rm") { ArgumentList = { "-rf", "--", sandbox } });
            rm?.WaitForExit(10_000);
        }
    }

    /// <summary>Puts a copy of the executable <paramref name="from"/> into the sandbox of <paramref name="root"/> as <paramref name="name"/>.</summary>
    /// <remarks>
    /// Copied by install(1), not by this process: a file this process had open for writing could be
    /// inherited by a child that another test forks at that moment, and exec of the copy would then
    /// fail with ETXTBSY ("Text file busy") until that child execs.
    /// </remarks>
    public static string InstallExecutable(string root, string from, string name)
    {
        var to = Path.Combine(Of(root), name);
        using var install = Process.Start(new ProcessStartInfo(FindProgram("install", "coreutils")) { ArgumentList = { "-m", "0755", "--", from, to } })!;
        if (!install.WaitForExit(30_000) || install.ExitCode != 0)
        {
            throw new IOException($"install {from} {to} failed");
        }
        return to;
    }

    /// <summary>The full path of <paramref name="program"/> on $PATH, or a failure that says which package brings it.</summary>
    public static string FindProgram(string program, string package)
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
