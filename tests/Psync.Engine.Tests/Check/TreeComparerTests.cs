using Psync.Engine.Check;

namespace Psync.Engine.Tests.Check;

public sealed class TreeComparerTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempTrees _trees = new();

    public void Dispose() => _trees.Dispose();

    private async Task<CheckReport> CompareAsync(CheckOptions? options = null)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        return await TreeComparer.CompareAsync(_trees.Left, _trees.Right, options ?? new CheckOptions(), deadline.Token);
    }

    private string L(string relative) => Path.Combine(_trees.Left, relative);

    private string R(string relative) => Path.Combine(_trees.Right, relative);

    [Fact]
    public async Task CompareAsync_IdenticalTrees_FindsNoDifferences()
    {
        // Arrange
        _trees.Both("a.txt", "alpha");
        _trees.Both("dir/b.txt", "beta");
        _trees.DirBoth("empty");
        File.CreateSymbolicLink(L("link"), "dir/b.txt");
        File.CreateSymbolicLink(R("link"), "dir/b.txt");

        // Act
        var report = await CompareAsync(new CheckOptions { Checksum = true });

        // Assert
        Assert.True(report.Identical, string.Join("\n", report.Differences));
        Assert.Equal(5, report.LeftCount);
        Assert.Equal(5, report.RightCount);
        Assert.False(Directory.Exists(L(".psync")), "check must not write into the trees it compares");
        Assert.False(Directory.Exists(R(".psync")), "check must not write into the trees it compares");
    }

    [Fact]
    public async Task CompareAsync_EmptyTrees_AreIdentical()
    {
        // Act
        var report = await CompareAsync();

        // Assert
        Assert.True(report.Identical);
        Assert.Equal((0L, 0L), (report.LeftCount, report.RightCount));
    }

    [Fact]
    public async Task CompareAsync_FileOnOneSide_IsOnlyLeftOrOnlyRight()
    {
        // Arrange
        _trees.Both("shared");
        TempTrees.OnSide(_trees.Left, "left-only");
        TempTrees.OnSide(_trees.Right, "right-only");

        // Act
        var report = await CompareAsync();

        // Assert
        Assert.Equal(
            [("left-only", DifferenceKind.OnlyLeft), ("right-only", DifferenceKind.OnlyRight)],
            report.Differences.Select(d => (d.Path, d.Kind)));
        Assert.Equal((2L, 2L), (report.LeftCount, report.RightCount));
    }

    [Fact]
    public async Task CompareAsync_DirectoryOnOneSide_IsReportedOnceWithItsEntriesCounted()
    {
        // Arrange
        TempTrees.OnSide(_trees.Left, "tree/a");
        TempTrees.OnSide(_trees.Left, "tree/sub/b");
        TempTrees.OnSide(_trees.Left, "tree-sibling");
        Directory.CreateDirectory(R("empty-right"));

        // Act
        var report = await CompareAsync();

        // Assert
        Assert.Equal(
            [("empty-right", DifferenceKind.OnlyRight), ("tree", DifferenceKind.OnlyLeft), ("tree-sibling", DifferenceKind.OnlyLeft)],
            report.Differences.Select(d => (d.Path, d.Kind)));
        Assert.Contains("3 entries below", report.Differences[1].Detail, StringComparison.Ordinal);
        Assert.Equal(5, report.LeftCount);
    }

    [Fact]
    public async Task CompareAsync_FileAgainstDirectory_IsKindDiffersOnly()
    {
        // Arrange
        TempTrees.OnSide(_trees.Left, "x");
        TempTrees.OnSide(_trees.Right, "x/inner");

        // Act
        var report = await CompareAsync();

        // Assert
        var difference = Assert.Single(report.Differences);
        Assert.Equal(("x", DifferenceKind.KindDiffers), (difference.Path, difference.Kind));
        Assert.Contains("left file", difference.Detail, StringComparison.Ordinal);
        Assert.Contains("right directory", difference.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareAsync_FileAgainstSymlink_IsKindDiffers()
    {
        // Arrange
        TempTrees.OnSide(_trees.Left, "x");
        File.CreateSymbolicLink(R("x"), "elsewhere");

        // Act
        var report = await CompareAsync();

        // Assert
        Assert.Equal(DifferenceKind.KindDiffers, Assert.Single(report.Differences).Kind);
    }

    [Fact]
    public async Task CompareAsync_DifferentSizes_IsSizeDiffers()
    {
        // Arrange
        TempTrees.OnSide(_trees.Left, "f", "short");
        TempTrees.OnSide(_trees.Right, "f", "much longer");

        // Act
        var report = await CompareAsync();

        // Assert
        var difference = Assert.Single(report.Differences);
        Assert.Equal(DifferenceKind.SizeDiffers, difference.Kind);
        Assert.Equal("left 5 bytes, right 11 bytes", difference.Detail);
    }

    [Fact]
    public async Task CompareAsync_MtimesOneTickApart_IsMtimeDiffers()
    {
        // Arrange
        TempTrees.OnSide(_trees.Left, "f", "same");
        TempTrees.OnSide(_trees.Right, "f", "same", TempTrees.SharedTime.AddTicks(1));

        // Act
        var report = await CompareAsync();

        // Assert
        var difference = Assert.Single(report.Differences);
        Assert.Equal(DifferenceKind.MtimeDiffers, difference.Kind);
        Assert.Equal("left 2024-05-06 07:08:09.000000000Z, right 2024-05-06 07:08:09.000000100Z", difference.Detail);
    }

    [Fact]
    public async Task CompareAsync_DifferentPermissions_IsModeDiffers()
    {
        // Arrange
        _trees.Both("script.sh");
        File.SetUnixFileMode(R("script.sh"), File.GetUnixFileMode(R("script.sh")) | UnixFileMode.UserExecute);
        _trees.DirBoth("private");
        File.SetUnixFileMode(L("private"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(R("private"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        // Act
        var report = await CompareAsync();

        // Assert
        Assert.Equal(
            [("private", DifferenceKind.ModeDiffers, "left 0700, right 0750"), ("script.sh", DifferenceKind.ModeDiffers, "left 0644, right 0744")],
            report.Differences.Select(d => (d.Path, d.Kind, d.Detail)));
    }

    [Fact]
    public async Task CompareAsync_DifferentOwners_IsOwnerDiffers()
    {
        // Arrange (as root, which CI is: only root gives a file away)
        Assert.True(Psync.Tests.Lstat.IsRoot, "owner tests run as root");
        _trees.Both("shared.txt");
        Psync.Tests.Lstat.Chown(R("shared.txt"), 1234, 2345);

        // Act
        var report = await CompareAsync();

        // Assert
        var difference = Assert.Single(report.Differences);
        Assert.Equal(("shared.txt", DifferenceKind.OwnerDiffers, "left 0:0, right 1234:2345"), (difference.Path, difference.Kind, difference.Detail));
    }

    [Fact]
    public async Task CompareAsync_XattrOnOneSide_IsXattrsDifferOnlyWhenAsked()
    {
        // Arrange
        _trees.Both("tagged.txt");
        using (var set = System.Diagnostics.Process.Start("setfattr", ["-n", "user.tag", "-v", "blue", R("tagged.txt")]))
        {
            await set.WaitForExitAsync();
            Assert.Equal(0, set.ExitCode);
        }

        // Act
        var plain = await CompareAsync();
        var asked = await CompareAsync(new CheckOptions { Xattrs = Psync.Protocol.XattrScope.Xattrs });

        // Assert
        Assert.Empty(plain.Differences);
        var difference = Assert.Single(asked.Differences);
        Assert.Equal(("tagged.txt", DifferenceKind.XattrsDiffer, "extended attributes or ACLs on the right only"), (difference.Path, difference.Kind, difference.Detail));
    }

    [Fact]
    public async Task CompareAsync_SymlinksToDifferentTargets_IsTargetDiffers()
    {
        // Arrange
        File.CreateSymbolicLink(L("link"), "target-a");
        File.CreateSymbolicLink(R("link"), "target-b");

        // Act
        var report = await CompareAsync();

        // Assert
        var difference = Assert.Single(report.Differences);
        Assert.Equal(DifferenceKind.TargetDiffers, difference.Kind);
        Assert.Equal("left -> target-a, right -> target-b", difference.Detail);
    }

    [Fact]
    public async Task CompareAsync_SameSizeAndMtimeDifferentContent_OnlyChecksumFindsIt()
    {
        // Arrange
        TempTrees.OnSide(_trees.Left, "data.bin", "AAAA");
        TempTrees.OnSide(_trees.Right, "data.bin", "BBBB");
        _trees.Both("equal.bin", "CCCC");

        // Act
        var quick = await CompareAsync();
        var thorough = await CompareAsync(new CheckOptions { Checksum = true });

        // Assert
        Assert.True(quick.Identical);
        var difference = Assert.Single(thorough.Differences);
        Assert.Equal(("data.bin", DifferenceKind.ContentDiffers), (difference.Path, difference.Kind));
        Assert.Contains("sha256", difference.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareAsync_ManyFilesWithChecksum_HashesThemAll()
    {
        // Arrange: more candidates than the hash queue holds
        for (var i = 0; i < 600; i++)
        {
            _trees.Both($"d{i % 7}/f{i:D4}", $"content {i}");
        }
        TempTrees.OnSide(_trees.Right, "d3/f0003", "CONTENT 3");

        // Act
        var report = await CompareAsync(new CheckOptions { Checksum = true });

        // Assert
        var difference = Assert.Single(report.Differences);
        Assert.Equal(("d3/f0003", DifferenceKind.ContentDiffers), (difference.Path, difference.Kind));
        Assert.Equal(607, report.LeftCount);
    }

    [Fact]
    public async Task CompareAsync_ExcludesAndTempfiles_AreLeftOutWithTheirSubtrees()
    {
        // Arrange
        _trees.Both("keep.txt");
        TempTrees.OnSide(_trees.Left, "build/out.o", "x");
        TempTrees.OnSide(_trees.Right, "notes.txt.swp", "x");
        TempTrees.OnSide(_trees.Left, ".psync/stage/leftover", "x");
        var options = new CheckOptions { Excludes = ["^build$"], Tempfiles = [@"\.swp$"] };

        // Act
        var report = await CompareAsync(options);

        // Assert
        Assert.True(report.Identical, string.Join("\n", report.Differences));
        Assert.Equal((1L, 1L), (report.LeftCount, report.RightCount));
    }

    [Fact]
    public async Task CompareAsync_OddNames_AreComparedAndReportedExactly()
    {
        // Arrange
        _trees.Both("new\nline");
        _trees.Both("co:lon");
        _trees.Both("-dash");
        TempTrees.OnSide(_trees.Left, "tab\there", "x");

        // Act
        var report = await CompareAsync();

        // Assert
        var difference = Assert.Single(report.Differences);
        Assert.Equal(("tab\there", DifferenceKind.OnlyLeft), (difference.Path, difference.Kind));
    }

    [Fact]
    public async Task CompareAsync_DifferencesEverywhere_AreInPathOrder()
    {
        // Arrange
        TempTrees.OnSide(_trees.Left, "b", "1");
        TempTrees.OnSide(_trees.Right, "b", "22");
        TempTrees.OnSide(_trees.Right, "a/x", "1");
        TempTrees.OnSide(_trees.Left, "a-c", "1");

        // Act
        var report = await CompareAsync();

        // Assert
        Assert.Equal(["a", "a-c", "b"], report.Differences.Select(d => d.Path));
    }

    [Fact]
    public async Task CompareAsync_MissingRoot_ThrowsCheckExceptionNamingIt()
    {
        // Arrange
        var missing = Path.Combine(_trees.Folder, "nope");

        // Act
        var error = await Assert.ThrowsAsync<CheckException>(
            () => TreeComparer.CompareAsync(_trees.Left, missing, new CheckOptions(), CancellationToken.None));

        // Assert
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("right", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareAsync_BadPattern_ThrowsCheckException()
    {
        // Act
        var error = await Assert.ThrowsAsync<CheckException>(() => CompareAsync(new CheckOptions { Excludes = ["("] }));

        // Assert
        Assert.Contains("'('", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareAsync_MissingAgent_ThrowsCheckException()
    {
        // Act
        var error = await Assert.ThrowsAsync<CheckException>(
            () => CompareAsync(new CheckOptions { AgentPath = Path.Combine(_trees.Folder, "no-agent") }));

        // Assert
        Assert.Contains("psync-agent not found", error.Message, StringComparison.Ordinal);
    }
}
