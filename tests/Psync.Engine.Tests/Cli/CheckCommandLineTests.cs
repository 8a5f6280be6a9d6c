using Psync.Cli;

namespace Psync.Engine.Tests.Cli;

public sealed class CheckCommandLineTests
{
    private static readonly CliEnvironment Env = new("/work/cwd", _ => null);

    [Fact]
    public void Parse_AllOptions_FillsCheckOptions()
    {
        // Act
        var result = CheckCommandLine.Parse(["--checksum", "-e", "^a$", "--excludes=^b$", "--rsync-excludes", "*.o", "-t", "~$", "--agent=x/agent", "l", "/r"], Env);

        // Assert
        Assert.Equal(CliAction.Run, result.Action);
        var options = result.Options!;
        Assert.Equal(("/work/cwd/l", "/r"), (options.Left, options.Right));
        Assert.True(options.Compare.Checksum);
        Assert.Equal(["^a$", "^b$", @"(?:^|/)[^/]*\.o$"], options.Compare.Excludes);
        Assert.Equal(["~$"], options.Compare.Tempfiles);
        Assert.Equal("/work/cwd/x/agent", options.Compare.AgentPath);
    }

    [Fact]
    public void Parse_ShortChecksum_SetsChecksum()
    {
        // Act
        var result = CheckCommandLine.Parse(["-c", "/l", "/r"], Env);

        // Assert
        Assert.True(result.Options!.Compare.Checksum);
    }

    [Theory]
    [InlineData("/l")]
    [InlineData("/l", "/r", "/x")]
    [InlineData("-n", "/l", "/r")]
    [InlineData("-e", "(", "/l", "/r")]
    public void Parse_BadArguments_IsUsageError(params string[] args)
    {
        // Act
        var result = CheckCommandLine.Parse(args, Env);

        // Assert
        Assert.Equal(CliAction.UsageError, result.Action);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void Parse_Help_AsksForHelp()
    {
        // Act
        var result = CheckCommandLine.Parse(["--help"], Env);

        // Assert
        Assert.Equal(CliAction.Help, result.Action);
    }
}
