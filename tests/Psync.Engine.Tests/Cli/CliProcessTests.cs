using Psync.Cli;
using Psync.Engine.Tests.Check;

namespace Psync.Engine.Tests.Cli;

public sealed class CliProcessTests : IDisposable
{
    private readonly TempTrees _trees = new();

    public void Dispose() => _trees.Dispose();

    [Fact]
    public async Task Help_Run_Exits0AndListsEveryOptionExitCodesAndCheck()
    {
        // Act
        var result = await PsyncProcess.RunAsync("--help");

        // Assert
        Assert.Equal(0, result.ExitCode);
        foreach (var option in CommandLine.All.Concat([CheckCommandLine.Checksum]))
        {
            Assert.Contains(option.Name, result.Stdout, StringComparison.Ordinal);
            if (option.Short is { } letter)
            {
                Assert.Contains($"-{letter}, --{option.Long}", result.Stdout, StringComparison.Ordinal);
            }
        }
        Assert.Contains("psync check", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("exit codes", result.Stdout, StringComparison.Ordinal);
        foreach (var code in new[] { "0 ", "1 ", "2 ", "3 ", "4 ", "130 " })
        {
            Assert.Contains("\n  " + code, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_Run_Exits0AndPrintsTheVersion()
    {
        // Act
        var result = await PsyncProcess.RunAsync("--version");

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^psync \d+\.\d+\.\d+", result.Stdout);
    }

    [Fact]
    public async Task UnknownOption_Run_Exits2WithTheHint()
    {
        // Act
        var result = await PsyncProcess.RunAsync("--no-such-option", _trees.Left, _trees.Right);

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no such option: --no-such-option", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("psync: try 'psync --help'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingDst_Run_Exits2WithTheHint()
    {
        // Act
        var result = await PsyncProcess.RunAsync("-n", _trees.Left);

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("missing DST", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("psync --help", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Banned_ProgramRunning_Exits4()
    {
        // Arrange: this test host runs, and psync does not count itself
        var running = (await File.ReadAllTextAsync("/proc/self/comm")).TrimEnd('\n');

        // Act
        var result = await PsyncProcess.RunAsync("-b", running, _trees.Left, _trees.Right);

        // Assert
        Assert.Equal(4, result.ExitCode);
        Assert.Contains($"banned program '{running}'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_IdenticalTrees_Exits0()
    {
        // Arrange
        _trees.Both("a.txt", "hello");
        _trees.Both("sub/b.txt", "world");
        _trees.DirBoth("empty");

        // Act
        var result = await PsyncProcess.RunAsync("check", "--checksum", _trees.Left, _trees.Right);

        // Assert
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("identical: 4 entries on each side", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_DifferingTrees_Exits1AndNamesEachPath()
    {
        // Arrange
        _trees.Both("same.txt");
        TempTrees.OnSide(_trees.Left, "odd\nname", "x");
        TempTrees.OnSide(_trees.Right, "a:b", "x");
        TempTrees.OnSide(_trees.Left, "sized", "short");
        TempTrees.OnSide(_trees.Right, "sized", "longer");

        // Act
        var result = await PsyncProcess.RunAsync("check", _trees.Left, _trees.Right);

        // Assert
        Assert.Equal(1, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("only-left  odd\\nname", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("only-right a:b", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("size       sized", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("same.txt", StringComparison.Ordinal));
        Assert.Contains("3 differences", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_MissingRoot_Exits2()
    {
        // Arrange
        var missing = Path.Combine(_trees.Folder, "missing");

        // Act
        var result = await PsyncProcess.RunAsync("check", _trees.Left, missing);

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_MissingDst_Exits2WithTheHint()
    {
        // Act
        var result = await PsyncProcess.RunAsync("check", _trees.Left);

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("psync --help", result.Stderr, StringComparison.Ordinal);
    }
}
