using System.Diagnostics;

namespace Psync.Deploy.Tests.Checks;

/// <summary>Checks of a shell script: it exists, is executable, starts with a shebang naming sh or bash, and that shell parses it (<c>-n</c>).</summary>
public static class ShellScripts
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<IReadOnlyList<string>> CheckAsync(string path)
    {
        if (!File.Exists(path))
        {
            return [$"{path} does not exist"];
        }
        var problems = new List<string>();
        if (!File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            problems.Add($"{path} is not executable (chmod +x)");
        }
        var firstLine = File.ReadLines(path).FirstOrDefault() ?? "";
        var shell = firstLine switch
        {
            "#!/bin/sh" or "#!/usr/bin/env sh" => "sh",
            "#!/bin/bash" or "#!/usr/bin/env bash" => "bash",
            _ => null,
        };
        if (shell is null)
        {
            problems.Add($"{path} does not start with #!/bin/sh or #!/usr/bin/env bash (it starts with '{firstLine}')");
            shell = "sh";
        }
        var (exitCode, output) = await RunAsync(shell, "-n", path);
        if (exitCode != 0)
        {
            problems.Add($"{shell} -n {path} failed ({exitCode}): {output.Trim()}");
        }
        return problems;
    }

    /// <summary>Whether <paramref name="shell"/> parses the command text (<c>-n -c</c>): a Dockerfile's RUN line, say; the problem found, or null.</summary>
    public static async Task<string?> CheckCommandAsync(string command, string shell = "sh")
    {
        var (exitCode, output) = await RunAsync(shell, "-n", "-c", command);
        return exitCode == 0 ? null : $"{shell} -n failed ({exitCode}): {output.Trim()}";
    }

    /// <summary>
    /// The commands of a shell text as its lines, with backslash-newline continuations joined and
    /// comment lines dropped: enough to find what a script runs, not a shell parser.
    /// </summary>
    public static IReadOnlyList<string> Commands(string text) =>
        [.. text.ReplaceLineEndings("\n").Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))];

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        using var deadline = new CancellationTokenSource(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
