using System.Diagnostics;
using System.Reflection;

namespace Psync.Engine.Tests.Cli;

/// <summary>
/// Runs the real `psync` and collects what it printed: this build's psync.dll (JIT-compiled, through
/// dotnet), or the program scripts/build.sh publishes compiled ahead (NativeAOT), which users run.
/// </summary>
internal static class PsyncProcess
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs psync with <paramref name="environment"/> added to (a null value: removed from) this process's environment.</summary>
    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunAsync(published: false, environment, args);

    /// <summary>Runs the published psync (artifacts/psync/psync), which must be of this build.</summary>
    public static async Task<Result> RunPublishedAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        await PublishedIsThisBuild.Value;
        return await RunAsync(published: true, environment, args);
    }

    /// <summary>The published psync's <c>--version</c> against this build's, asked once per test run.</summary>
    private static readonly Lazy<Task> PublishedIsThisBuild = new(async () =>
    {
        var version = (await RunAsync(published: true, new Dictionary<string, string?>(), ["--version"])).Stdout.Trim();
        var expected = $"psync {typeof(SyncPair).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion}";
        if (version != expected)
        {
            throw new InvalidOperationException($"{Published} says '{version}', not '{expected}': run scripts/build.sh");
        }
    });

    /// <summary>psync as scripts/build.sh publishes it.</summary>
    private static string Published
    {
        get
        {
            var path = Path.Combine(Psync.Tests.RepoFiles.Root, "artifacts", "psync", "psync");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run scripts/test.sh, or scripts/build.sh");
        }
    }

    private static async Task<Result> RunAsync(bool published, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(published ? Published : dotnet)
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
        if (!published)
        {
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "psync.dll"));
        }
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
