using System.Diagnostics;
using Psync.Tests;

namespace Psync.Agent.Tests;

/// <summary>
/// What scripts/publish-agent.sh ships to right hosts, for every runtime: psync-agent and cinotify,
/// each one static file for the right machine, asking nothing of the host's glibc.
/// </summary>
public sealed class StaticBinaryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string> Shipped() => new()
    {
        { "linux-x64", "psync-agent" },
        { "linux-x64", "cinotify" },
        { "linux-arm64", "psync-agent" },
        { "linux-arm64", "cinotify" },
    };

    /// <summary>The machine `file` names for each runtime.</summary>
    private static readonly Dictionary<string, string> Machines = new()
    {
        ["linux-x64"] = "x86-64",
        ["linux-arm64"] = "ARM aarch64",
    };

    [Theory]
    [MemberData(nameof(Shipped))]
    public async Task File_ShippedBinary_IsStaticElfForItsMachine(string runtime, string name)
    {
        var path = Shipped(runtime, name);

        var (exitCode, output) = await RunAsync(Executables.Find("file", "file"), "-b", path);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("ELF 64-bit LSB", output);
        Assert.Contains($", {Machines[runtime]},", output);
        Assert.Matches("static-pie linked|statically linked", output);
        Assert.DoesNotContain("interpreter", output);
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public async Task ObjdumpT_ShippedBinary_HasNoGlibcVersionedSymbol(string runtime, string name)
    {
        var path = Shipped(runtime, name);

        // A static binary has no dynamic symbol table (objdump says "not a dynamic object" and exits
        // 1), or, a static PIE, one without symbols to bind from a shared glibc.
        var (_, output) = await RunAsync(Executables.Find("objdump", "binutils"), "-T", path);

        Assert.Contains("DYNAMIC SYMBOL TABLE", output);
        Assert.DoesNotContain("GLIBC_", output);
    }

    [Fact]
    public async Task ObjdumpT_DynamicProgram_ShowsGlibcVersions()
    {
        // The check above could pass for nothing if objdump did not list versions: it does for a dynamic program.
        var (exitCode, output) = await RunAsync(Executables.Find("objdump", "binutils"), "-T", Executables.Find("file", "file"));

        Assert.Equal(0, exitCode);
        Assert.Contains("GLIBC_", output);
    }

    private static string Shipped(string runtime, string name) =>
        Path.Combine(Path.GetDirectoryName(RepoFiles.PublishedAgent(runtime))!, name);

    /// <summary>Runs a program (no shell) and returns its exit code and stdout followed by stderr.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var psi = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["LC_ALL"] = "C";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Deadline);
        return (process.ExitCode, await stdout + await stderr);
    }
}
