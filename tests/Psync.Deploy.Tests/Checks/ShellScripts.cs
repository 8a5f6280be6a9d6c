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
