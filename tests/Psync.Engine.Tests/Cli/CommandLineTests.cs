using Psync.Cli;
using static Psync.Engine.Tests.Cli.CliArgs;

namespace Psync.Engine.Tests.Cli;

/// <summary>optparse forms of every option, repeatable options and usage errors.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void Parse_SrcAndDst_MakesBothAbsolute()
    {
        // Act
        var options = Parsed("src", "../dst/./x");

        // Assert
        Assert.Equal("/work/cwd/src", options.Source);
        Assert.Equal("/work/dst/x", options.Destination);
        Assert.Null(options.RemoteHost);
        Assert.Equal(0, options.DebugLevel);
    }

    [Theory]
    [InlineData("-r", "host")]
    [InlineData("-rhost")]
    [InlineData("--remote-host=host")]
    [InlineData("--remote-host", "host")]
    [InlineData("--remote=host")]
    public void Parse_RemoteHostInEveryForm_SetsRemoteHost(params string[] option)
    {
        // Act
        var options = Parsed([.. option, "/a", "/b"]);

        // Assert
        Assert.Equal("host", options.RemoteHost);
        Assert.Equal("host", options.ToPairOptions().RemoteHost);
    }

    [Theory]
    [InlineData("user@host")]
    [InlineData("user@host:2222")]
    [InlineData("192.168.1.5:22")]
    [InlineData("[::1]:22")]
    public void Parse_RemoteHostWithUserOrPort_IsKept(string host)
    {
        // Act
        var options = Parsed("-r", host, "/a", "/b");

        // Assert
        Assert.Equal(host, options.RemoteHost);
    }

    [Theory]
    [InlineData("host:port")]
    [InlineData("host:0")]
    [InlineData("user@")]
    [InlineData("a host")]
    [InlineData("")]
    public void Parse_BadRemoteHost_IsUsageError(string host)
    {
        // Act
        var error = Error("-r", host, "/a", "/b");

        // Assert
        Assert.Contains("--remote-host", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RemoteRelativeDst_IsLeftForTheRemoteSide()
    {
        // Act
        var options = Parsed("-r", "h", "src", "data/x");

        // Assert
        Assert.Equal("/work/cwd/src", options.Source);
        Assert.Equal("data/x", options.Destination);
    }

    [Theory]
    [InlineData(1, "-d1")]
    [InlineData(2, "-d", "2")]
    [InlineData(3, "--debug=3")]
    [InlineData(2, "--debug", "2")]
    [InlineData(3, "-nkd3")]
    [InlineData(1, "-nkd", "1")]
    public void Parse_DebugInEveryForm_SetsLevel(int level, params string[] option)
    {
        // Act
        var options = Parsed([.. option, "/a", "/b"]);

        // Assert
        Assert.Equal(level, options.DebugLevel);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("x")]
    [InlineData("-1")]
    public void Parse_BadDebugLevel_IsUsageError(string level)
    {
        // Act
        var error = Error("-d", level, "/a", "/b");

        // Assert
        Assert.Contains("--debug", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GroupedFlags_SetsEachFlag()
    {
        // Act
        var options = Parsed("-nskf", "/a", "/b");

        // Assert
        Assert.True(options.DryRun);
        Assert.True(options.SyncOnly);
        Assert.True(options.SkipInitialSync);
        Assert.True(options.Force);
    }

    [Fact]
    public void Parse_LongFlags_SetEachFlagAndPairOptions()
    {
        // Act
        var options = Parsed("--dry-run", "--sync-only", "--skip-initial-sync", "--force", "--no-fsync", "/a", "/b");
        var pair = options.ToPairOptions();

        // Assert
        Assert.True(options.SyncOnly);
        Assert.True(pair.DryRun);
        Assert.True(pair.SkipInitialSync);
        Assert.True(pair.Force);
        Assert.False(pair.Durable);
        Assert.True(Parsed("/a", "/b").ToPairOptions().Durable);
    }

    [Fact]
    public void Parse_NoFlags_LeavesEngineDefaults()
    {
        // Arrange
        var defaults = new PairOptions { LeftRoot = "/a", RightRoot = "/b", DataDir = "/d" };

        // Act
        var pair = Parsed("/a", "/b").ToPairOptions();

        // Assert
        Assert.False(pair.DryRun || pair.Force || pair.SkipInitialSync);
        Assert.Equal(defaults.DeleteHold, pair.DeleteHold);
        Assert.Equal(defaults.MaxDeleteShare, pair.MaxDeleteShare);
        Assert.Null(pair.AgentPath);
        Assert.Empty(pair.Excludes);
        Assert.Empty(pair.RsyncExtra);
    }

    [Fact]
    public void Parse_RepeatedRegexOptions_KeepsAllInOrder()
    {
        // Act
        var options = Parsed("-e", @"\.git$", "--excludes=^build$", "--rsync-excludes", "*.o", "-t", @"\.swp$", "--tempfiles", "~$", "/a", "/b");
        var pair = options.ToPairOptions();

        // Assert
        Assert.Equal([@"\.git$", "^build$", @"(?:^|/)[^/]*\.o$"], pair.Excludes);
        Assert.Equal([@"\.swp$", "~$"], pair.Tempfiles);
    }

    [Fact]
    public void Parse_ValueStartingWithDash_IsTakenAsTheValue()
    {
        // Act
        var options = Parsed("-e", "-old$", "/a", "/b");

        // Assert
        Assert.Equal(["-old$"], options.Excludes);
    }

    [Fact]
    public void Parse_OptionsAfterPositionals_AreStillOptions()
    {
        // Act
        var options = Parsed("/a", "-n", "/b", "-d", "1");

        // Assert
        Assert.True(options.DryRun);
        Assert.Equal(1, options.DebugLevel);
        Assert.Equal(("/a", "/b"), (options.Source, options.Destination));
    }

    [Fact]
    public void Parse_DoubleDash_EndsOptions()
    {
        // Act
        var options = Parsed("-n", "--", "-src", "--dst");

        // Assert
        Assert.True(options.DryRun);
        Assert.Equal("/work/cwd/-src", options.Source);
        Assert.Equal("/work/cwd/--dst", options.Destination);
    }

    [Theory]
    [InlineData("-z")]
    [InlineData("-nz")]
    [InlineData("--bogus")]
    [InlineData("--bogus=1")]
    public void Parse_UnknownOption_IsUsageError(string option)
    {
        // Act
        var error = Error(option, "/a", "/b");

        // Assert
        Assert.StartsWith("no such option", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AmbiguousPrefix_IsUsageErrorListingTheCandidates()
    {
        // Act
        var error = Error("--d", "1", "/a", "/b");

        // Assert
        Assert.Contains("ambiguous", error, StringComparison.Ordinal);
        Assert.Contains("--debug", error, StringComparison.Ordinal);
        Assert.Contains("--dry-run", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-r")]
    [InlineData("--remote-host")]
    [InlineData("-e")]
    [InlineData("-nkd")]
    [InlineData("--hold")]
    public void Parse_OptionWithoutItsValue_IsUsageError(string option)
    {
        // Act
        var error = Error("/a", "/b", option);

        // Assert
        Assert.Contains("requires a value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FlagGivenAValue_IsUsageError()
    {
        // Act
        var error = Error("--dry-run=yes", "/a", "/b");

        // Assert
        Assert.Contains("does not take a value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingDst_IsUsageError()
    {
        // Act
        var error = Error("-n", "/a");

        // Assert
        Assert.Equal("missing DST", error);
    }

    [Fact]
    public void Parse_NoArguments_IsUsageError()
    {
        // Act
        var error = Error();

        // Assert
        Assert.Equal("missing SRC and DST", error);
    }

    [Fact]
    public void Parse_ThreePositionals_IsUsageError()
    {
        // Act
        var error = Error("/a", "/b", "/c");

        // Assert
        Assert.Contains("too many arguments", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/a", "/a")]
    [InlineData("/a", "/a/b")]
    [InlineData("/a/b", "/a")]
    [InlineData("/", "/b")]
    public void Parse_LocalTreesThatOverlap_IsUsageError(string src, string dst)
    {
        // Act
        var error = Error(src, dst);

        // Assert
        Assert.Contains("overlap", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SiblingWithCommonPrefix_IsNotOverlap()
    {
        // Act
        var options = Parsed("/data/a", "/data/ab");

        // Assert
        Assert.Equal("/data/ab", options.Destination);
    }

    [Theory]
    [InlineData("-e", "(unclosed")]
    [InlineData("--excludes", "[z-a]")]
    [InlineData("-t", "*bad")]
    public void Parse_BadRegex_IsUsageErrorNamingThePattern(string option, string pattern)
    {
        // Act
        var error = Error(option, pattern, "/a", "/b");

        // Assert
        Assert.Contains($"'{pattern}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Help_AsksForHelpWhateverElseIsThere()
    {
        // Act
        var shortForm = CommandLine.Parse(["-h"], Env);
        var longForm = CommandLine.Parse(["-n", "--help", "/a"], Env);

        // Assert
        Assert.Equal(CliAction.Help, shortForm.Action);
        Assert.Equal(CliAction.Help, longForm.Action);
    }

    [Fact]
    public void Parse_Version_AsksForVersion()
    {
        // Act
        var result = CommandLine.Parse(["--version"], Env);

        // Assert
        Assert.Equal(CliAction.Version, result.Action);
    }
}
