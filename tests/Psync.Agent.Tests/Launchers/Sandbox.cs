using System.Diagnostics;
using Psync.Tests;

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
    public static string InstallExecutable(string root, string from, string name)
    {
        var to = Path.Combine(Of(root), name);
        Executables.Install(from, to);
        return to;
    }
}
