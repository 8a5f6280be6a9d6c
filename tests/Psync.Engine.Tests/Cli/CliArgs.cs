using Psync.Cli;

namespace Psync.Engine.Tests.Cli;

/// <summary>Parses with a fixed working directory and environment.</summary>
internal static class CliArgs
{
    public static readonly CliEnvironment Env = Fake();

    public static CliEnvironment Fake(Dictionary<string, string>? variables = null)
    {
        var vars = variables ?? new Dictionary<string, string> { ["HOME"] = "/home/u" };
        return new CliEnvironment("/work/cwd", name => vars.GetValueOrDefault(name));
    }

    public static CliOptions Parsed(params string[] args)
    {
        var result = CommandLine.Parse(args, Env);
        Assert.True(result.Action == CliAction.Run, result.Error);
        return result.Options!;
    }

    public static string Error(params string[] args)
    {
        var result = CommandLine.Parse(args, Env);
        Assert.Equal(CliAction.UsageError, result.Action);
        return result.Error!;
    }
}
