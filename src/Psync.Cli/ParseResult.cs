namespace Psync.Cli;

/// <summary>What a command line asks for.</summary>
internal enum CliAction
{
    Run,
    Help,
    Version,
    UsageError,
}

/// <summary>The outcome of parsing: options to run with, a request for help or the version, or a usage error.</summary>
internal sealed record ParseResult<T>(CliAction Action, T? Options = null, string? Error = null)
    where T : class
{
    public static ParseResult<T> Run(T options) => new(CliAction.Run, options);

    public static ParseResult<T> Fail(string error) => new(CliAction.UsageError, null, error);
}

/// <summary>psync's exit codes (listed in --help).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int SyncError = 1;
    public const int Usage = 2;
    public const int Paused = 3;
    public const int Banned = 4;
    public const int Interrupted = 130;

    public const int CheckIdentical = 0;
    public const int CheckDifferent = 1;
    public const int CheckError = 2;

    /// <summary>Prints a usage error with the hint and returns <see cref="Usage"/>.</summary>
    public static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"psync: {message}");
        stderr.WriteLine("psync: try 'psync --help'");
        return Usage;
    }
}
