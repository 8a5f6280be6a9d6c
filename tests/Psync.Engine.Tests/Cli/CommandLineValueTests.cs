using Psync.Cli;
using Psync.Engine.Transfer;
using static Psync.Engine.Tests.Cli.CliArgs;

namespace Psync.Engine.Tests.Cli;

/// <summary>-x splitting and refusals, -T, the new options and the default data folder.</summary>
public sealed class CommandLineValueTests
{
    [Fact]
    public void Parse_Extra_SplitsIntoSeparateArguments()
    {
        // Act
        var options = Parsed("-x", "-L  --bwlimit=1000 -B1024 '--chmod=D755,F644' \"--filter=- *.tmp\"", "-x", "-z", "/a", "/b");

        // Assert
        Assert.Equal(["-L", "--bwlimit=1000", "-B1024", "--chmod=D755,F644", "--filter=- *.tmp", "-z"], options.ToPairOptions().RsyncExtra);
    }

    [Theory]
    [InlineData("--delete")]
    [InlineData("--delete-after")]
    [InlineData("--del")]
    [InlineData("--remove-source-files")]
    [InlineData("--inplace")]
    [InlineData("--append")]
    [InlineData("--append-verify")]
    [InlineData("--files-from=list")]
    [InlineData("--from0")]
    [InlineData("-R")]
    [InlineData("-avR")]
    [InlineData("--relative")]
    [InlineData("--copy-dest=/x")]
    [InlineData("--link-dest=/x")]
    [InlineData("--compare-dest=/x")]
    [InlineData("-e ssh")]
    [InlineData("-essh")]
    [InlineData("--rsh=ssh")]
    [InlineData("--temp-dir=/tmp")]
    [InlineData("-T/tmp")]
    [InlineData("--partial-dir=.p")]
    [InlineData("--partial")]
    [InlineData("-P")]
    [InlineData("-avP")]
    [InlineData("--backup")]
    [InlineData("--backup-dir=/old")]
    [InlineData("-ab")]
    [InlineData("-0")]
    [InlineData("-L foo")]
    [InlineData("-B 1024")]
    public void Parse_ExtraThatBreaksStaging_IsUsageError(string extra)
    {
        // Act
        var error = Error("-x", extra, "/a", "/b");

        // Assert
        Assert.StartsWith("-x:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--log-file=/tmp/x")]
    [InlineData("--write-batch=/tmp/b")]
    [InlineData("--only-write-batch=/tmp/b")]
    [InlineData("--read-batch=/tmp/b")]
    [InlineData("--write-devices")]
    [InlineData("--backup-dir=/elsewhere")]
    [InlineData("--exclude-from=/etc/shadow")]
    [InlineData("--include-from=/etc/shadow")]
    [InlineData("--password-file=/etc/shadow")]
    [InlineData("--rsync-path=sh -c evil")]
    [InlineData("--config=/etc/rsyncd.conf")]
    [InlineData("--daemon")]
    [InlineData("--remote-option=--log-file=/tmp/x")]
    [InlineData("-M--log-file=/tmp/x")]
    [InlineData("--filter=merge /etc/rules")]
    [InlineData("-f. /etc/rules")]
    public void Parse_ExtraThatReachesOutsideTheTrees_IsUsageErrorSayingSo(string extra)
    {
        // Act
        var error = Error("-x", $"'{extra}'", "/a", "/b");

        // Assert: the policy's words, as the API gives them
        Assert.Equal($"-x: {RsyncExtraPolicy.Refusal(extra)}", error);
        Assert.Contains("outside the synced trees", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExtraLogFile_RefusedInTheWordsTheApiUses()
    {
        // Act
        var error = Error("-x", "--log-file=/tmp/x", "/a", "/b");

        // Assert
        Assert.Contains(LogFileRefusal, error, StringComparison.Ordinal);
    }

    /// <summary>What the CLI and the API say about <c>--log-file=/tmp/x</c> (the web test has the same text).</summary>
    public const string LogFileRefusal = "rsync option '--log-file=/tmp/x' is not allowed: it reads or writes files outside the synced trees";

    [Fact]
    public void Parse_ExtraWithShortValue_DoesNotReadTheValueAsOptions()
    {
        // Act: the 0 in 1024 is the value of -B, not rsync's -0 (--from0)
        var options = Parsed("-x", "-aB1024", "/a", "/b");

        // Assert
        Assert.Equal(["-aB1024"], options.RsyncExtra);
    }

    [Fact]
    public void Parse_ExtraWithUnterminatedQuote_IsUsageError()
    {
        // Act
        var error = Error("-x", "'--chmod=D755", "/a", "/b");

        // Assert
        Assert.Contains("unterminated", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/srv/a:/mnt/b", "/srv/a/x", "/mnt/b/x")]
    [InlineData("/srv/a/:/mnt/b/", "/srv/a/x/y", "/mnt/b/x/y")]
    [InlineData("/srv/a:/mnt/b", "/srv/a", "/mnt/b")]
    [InlineData("/srv:/", "/srv/a", "/a")]
    [InlineData("/work/cwd:/elsewhere", "x", "/elsewhere/x")]
    public void Parse_Translate_RewritesTheLeadingElementsOfDst(string translate, string dst, string expected)
    {
        // Act
        var options = Parsed("-T", translate, "/src", dst);

        // Assert
        Assert.Equal(expected, options.Destination);
        Assert.NotNull(options.TranslatedFrom);
        Assert.Equal("/src", options.Source);
    }

    [Fact]
    public void Parse_TranslateLongForm_RewritesDst()
    {
        // Act
        var options = Parsed("--translate=/srv/a:/mnt/b", "/srv/a", "/srv/a/x");

        // Assert
        Assert.Equal("/srv/a", options.Source);
        Assert.Equal("/mnt/b/x", options.Destination);
        Assert.Equal("/srv/a/x", options.TranslatedFrom);
    }

    [Fact]
    public void Parse_TranslateMatchingPartOfAnElement_IsUsageError()
    {
        // Act
        var error = Error("-T", "/srv/a:/mnt/b", "/src", "/srv/ab/x");

        // Assert
        Assert.Contains("does not start with", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/srv/a")]
    [InlineData(":/mnt/b")]
    public void Parse_TranslateWithoutOldAndNew_IsUsageError(string translate)
    {
        // Act
        var error = Error("-T", translate, "/src", "/srv/a/x");

        // Assert
        Assert.StartsWith("-T:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NewOptions_MapToPairOptions()
    {
        // Act
        var options = Parsed(
            "--data-dir", "state", "--hold=50", "--max-delete-share", "0.25", "--agent=bin/psync-agent",
            "-i", "~key", "-b", "backup", "--banned=rsnapshot", "/a", "/b");
        var pair = options.ToPairOptions();

        // Assert
        Assert.Equal("/work/cwd/state", pair.DataDir);
        Assert.Equal(TimeSpan.FromMilliseconds(50), pair.DeleteHold);
        Assert.Equal(0.25, pair.MaxDeleteShare);
        Assert.Equal("/work/cwd/bin/psync-agent", pair.AgentPath);
        Assert.Equal("/work/cwd/~key", options.Identity);
        Assert.Equal(["backup", "rsnapshot"], options.Banned);
    }

    [Theory]
    [InlineData("two-way", SyncMode.TwoWay)]
    [InlineData("one-way-safe", SyncMode.OneWaySafe)]
    [InlineData("mirror", SyncMode.Mirror)]
    public void Parse_Mode_MapsToPairOptions(string name, SyncMode mode)
    {
        var pair = Parsed("--mode", name, "/a", "/b").ToPairOptions();

        Assert.Equal(mode, pair.Mode);
    }

    [Theory]
    [InlineData("one-way")]
    [InlineData("Mirror")]
    [InlineData("")]
    public void Parse_UnknownMode_IsUsageErrorListingTheModes(string name)
    {
        var error = Error($"--mode={name}", "/a", "/b");

        Assert.Equal($"option --mode: '{name}' is not a mode; the modes are two-way, one-way-safe, mirror", error);
    }

    [Theory]
    [InlineData(null, ConflictPolicy.Ask)]
    [InlineData("ask", ConflictPolicy.Ask)]
    [InlineData("newer", ConflictPolicy.Newer)]
    [InlineData("left", ConflictPolicy.Left)]
    [InlineData("right", ConflictPolicy.Right)]
    public void Parse_Conflicts_MapsToPairOptions(string? name, ConflictPolicy policy)
    {
        var pair = (name is null ? Parsed("/a", "/b") : Parsed("--conflicts", name, "/a", "/b")).ToPairOptions();

        Assert.Equal(policy, pair.Conflicts);
    }

    [Fact]
    public void Parse_UnknownConflictPolicy_IsUsageErrorListingThePolicies()
    {
        var error = Error("--conflicts=newest", "/a", "/b");

        Assert.Equal("option --conflicts: 'newest' is not a conflict policy; the policies are ask, newer, left, right", error);
    }

    [Fact]
    public void Parse_ConflictPolicyInAOneWayMode_RefusedWithTheEnginesWords()
    {
        var error = Error("--conflicts=left", "--mode=mirror", "/a", "/b");

        Assert.Equal($"option --conflicts: {ConflictPolicies.OnlyTwoWay}", error);
    }

    [Fact]
    public void Parse_HoldOverAnHour_RefusedWithTheEnginesWords()
    {
        var error = Error("--hold", "3600001", "/a", "/b");

        // The web app's API says the same for holdMilliseconds = 3600001 (BadInputTests).
        Assert.Equal("option --hold: The hold is 0 to 3600000 ms.", error);
    }

    [Theory]
    [InlineData("-e", "(\\w+)-\\1")]
    [InlineData("-t", "(?<=x)y")]
    [InlineData("-e", "(?>a+)b")]
    public void Parse_PatternThatNeedsBacktracking_RefusedSayingWhy(string option, string pattern)
    {
        var error = Error(option, pattern, "/a", "/b");

        Assert.Contains("needs backtracking", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--hold", "-5")]
    [InlineData("--hold", "1.5")]
    [InlineData("--max-delete-share", "1.5")]
    [InlineData("--max-delete-share", "half")]
    [InlineData("--data-dir", "")]
    [InlineData("-b", "")]
    public void Parse_BadNumberOrEmptyValue_IsUsageError(string option, string value)
    {
        // Act
        var error = Error(option, value, "/a", "/b");

        // Assert
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DefaultDataDir_IsStableAndUnderXdgStateHome()
    {
        // Arrange
        var env = Fake(new() { ["HOME"] = "/home/u", ["XDG_STATE_HOME"] = "/state" });

        // Act
        var first = CommandLine.Parse(["/a", "/b"], env).Options!.DataDir;
        var again = CommandLine.Parse(["-n", "/a", "/b"], env).Options!.DataDir;

        // Assert
        Assert.Equal(first, again);
        Assert.Equal("/state/psync", Path.GetDirectoryName(first));
        Assert.Matches("^[0-9a-f]{16}$", Path.GetFileName(first));
    }

    [Fact]
    public void Parse_DefaultDataDir_PrefersPsyncDataThenFallsBackToHome()
    {
        // Arrange
        var psyncData = Fake(new() { ["HOME"] = "/home/u", ["XDG_STATE_HOME"] = "/state", ["PSYNC_DATA"] = "/var/lib/psync" });
        var homeOnly = Fake(new() { ["HOME"] = "/home/u" });

        // Act
        var fromPsyncData = CommandLine.Parse(["/a", "/b"], psyncData).Options!.DataDir;
        var fromHome = CommandLine.Parse(["/a", "/b"], homeOnly).Options!.DataDir;

        // Assert
        Assert.Equal("/var/lib/psync", Path.GetDirectoryName(fromPsyncData));
        Assert.Equal("/home/u/.local/state/psync", Path.GetDirectoryName(fromHome));
        Assert.Equal(Path.GetFileName(fromPsyncData), Path.GetFileName(fromHome));
    }

    [Fact]
    public void Parse_DefaultDataDir_DiffersPerPair()
    {
        // Act
        var dirs = new[]
        {
            Parsed("/a", "/b").DataDir,
            Parsed("/a", "/c").DataDir,
            Parsed("/b", "/a").DataDir,
            Parsed("-r", "h1", "/a", "/b").DataDir,
            Parsed("-r", "h2", "/a", "/b").DataDir,
            Parsed("/a", "/b/x").DataDir,
        };

        // Assert
        Assert.Equal(dirs.Length, dirs.Distinct().Count());
    }

    [Fact]
    public void Parse_DataDirGiven_IsUsedAsIs()
    {
        // Act
        var options = Parsed("--data-dir=/var/psync/pair1", "/a", "/b");

        // Assert
        Assert.Equal("/var/psync/pair1", options.DataDir);
    }
}
