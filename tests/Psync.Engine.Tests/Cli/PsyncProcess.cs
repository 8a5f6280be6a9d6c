using System.Diagnostics;

namespace Psync.Engine.Tests.Cli;

/// <summary>Runs the real `psync` (dotnet psync.dll from the test output folder) and collects what it printed.</summary>
internal static class PsyncProcess
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs psync with <paramref name="environment"/> added to (a null value: removed from) this process's environment.</summary>
    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "psync.dll"));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"psync {string.Join(' ', args)} did not exit within {Deadline}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
