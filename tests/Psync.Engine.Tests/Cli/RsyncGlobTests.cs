using System.Text.RegularExpressions;
using Psync.Cli;

namespace Psync.Engine.Tests.Cli;

public sealed class RsyncGlobTests
{
    [Theory]
    [InlineData("*.tmp", "a.tmp")]
    [InlineData("*.tmp", "deep/dir/a.tmp")]
    [InlineData("*.tmp", ".tmp")]
    [InlineData("build/", "build")]
    [InlineData("build/", "src/build")]
    [InlineData("build", "src/build")]
    [InlineData("/build", "build")]
    [InlineData("src/*.o", "src/a.o")]
    [InlineData("src/*.o", "x/src/a.o")]
    [InlineData("/src/**/x", "src/a/b/x")]
    [InlineData("/src/**/x", "src/x")]
    [InlineData("/src/**", "src/a/b")]
    [InlineData("**/cache", "cache")]
    [InlineData("**/cache", "a/b/cache")]
    [InlineData("?.c", "a.c")]
    [InlineData("[ab].txt", "b.txt")]
    [InlineData("[!ab].txt", "c.txt")]
    [InlineData("[a-c]x", "bx")]
    [InlineData("data/***", "data")]
    [InlineData("data/***", "data/x/y")]
    [InlineData(@"a\*b", "a*b")]
    [InlineData("file (1).txt", "dir/file (1).txt")]
    [InlineData("a+b$", "a+b$")]
    public void ToRegex_MatchingPath_Matches(string glob, string path)
    {
        // Act
        var regex = RsyncGlob.ToRegex(glob);

        // Assert
        Assert.Matches(regex, path);
    }

    [Theory]
    [InlineData("*.tmp", "a.tmpx")]
    [InlineData("*.tmp", "a.tmp/inside")]
    [InlineData("build/", "builder")]
    [InlineData("build", "mybuild")]
    [InlineData("/build", "src/build")]
    [InlineData("src/*.o", "src/d/a.o")]
    [InlineData("src/*.o", "mysrc/a.o")]
    [InlineData("/src/**/x", "other/src/a/x")]
    [InlineData("?.c", "ab.c")]
    [InlineData("?.c", "/.c")]
    [InlineData("[ab].txt", "c.txt")]
    [InlineData("[!ab].txt", "a.txt")]
    [InlineData("data/***", "database")]
    [InlineData(@"a\*b", "axb")]
    [InlineData("file.txt", "fileXtxt")]
    public void ToRegex_OtherPath_DoesNotMatch(string glob, string path)
    {
        // Act
        var regex = RsyncGlob.ToRegex(glob);

        // Assert
        Assert.DoesNotMatch(regex, path);
    }

    [Fact]
    public void ToRegex_NameOnly_IsAnchoredAtAComponentAndTheEnd()
    {
        // Act
        var regex = RsyncGlob.ToRegex("*.o");

        // Assert
        Assert.Equal(@"(?:^|/)[^/]*\.o$", regex);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("")]
    public void ToRegex_NoName_IsUsageError(string glob)
    {
        // Act
        var error = Assert.Throws<UsageException>(() => RsyncGlob.ToRegex(glob));

        // Assert
        Assert.Contains("--rsync-excludes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToRegex_EveryConversion_IsAValidRegex()
    {
        // Arrange
        var globs = new[] { "[", "]", "[]", "[!]", "a[", "*[*", "\\", "**", "***", "a/**/", "(x)", "{a,b}", "^$" };

        foreach (var glob in globs)
        {
            // Act
            var regex = RsyncGlob.ToRegex(glob);

            // Assert
            _ = new Regex(regex);
        }
    }
}
