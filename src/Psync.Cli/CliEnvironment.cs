namespace Psync.Cli;

/// <summary>What parsing reads from the process: the working directory and the environment (replaceable in tests).</summary>
internal sealed record CliEnvironment(string CurrentDirectory, Func<string, string?> Variable)
{
    public static CliEnvironment Current => new(Environment.CurrentDirectory, Environment.GetEnvironmentVariable);

    public string Home =>
        Variable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>An absolute, normalized path (no file system access).</summary>
    public string Absolute(string path) => Path.GetFullPath(path, CurrentDirectory);
}
