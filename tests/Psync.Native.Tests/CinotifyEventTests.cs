namespace Psync.Native.Tests;

public abstract class CinotifyEventTests(CinotifyLaunch launch)
{
    [Fact]
    public async Task Create_ThousandFilesInDirectoryJustCreated_EveryFileReported()
    {
        using var tree = new TempTree();
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);
        var expected = new HashSet<string>();

        Directory.CreateDirectory(tree.In("burst"));
        for (var i = 0; i < 1000; i++)
        {
            File.WriteAllBytes(tree.In($"burst/f{i:D4}"), [1]);
            expected.Add($"burst/f{i:D4}");
        }

        await cinotify.WaitForAsync(
            r => r.Event is "CREATE" or "FOUND" or "WRITE" && expected.Remove(r.PathText) && expected.Count == 0,
            CinotifyProcess.DefaultTimeout,
            "a record for each of the 1,000 files");
        Assert.Contains(cinotify.Records, r => r.Is("CREATE", "burst") && r.IsDir);
    }

    [Fact]
    public async Task Create_NestedDirectoriesAndFile_FileReported()
    {
        using var tree = new TempTree();
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        Directory.CreateDirectory(tree.In("a/b/c"));
        File.WriteAllText(tree.In("a/b/c/f"), "x");

        await cinotify.WaitForAsync(r => r.Event is "CREATE" or "FOUND" or "WRITE" && r.PathText == "a/b/c/f",
            CinotifyProcess.DefaultTimeout, "a/b/c/f");
        Assert.Contains(cinotify.Records, r => (r.Is("CREATE", "a/b/c") || r.Is("FOUND", "a/b/c")) && r.IsDir);
    }

    [Fact]
    public async Task Start_ExistingTree_ReadyCountsOneWatchPerDirectory()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.In("a/b"));
        Directory.CreateDirectory(tree.In("c"));
        File.WriteAllText(tree.In("a/file"), "x");

        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);
        File.WriteAllText(tree.In("a/b/later"), "x");

        var ready = Assert.Single(cinotify.Records, r => r.Event == "READY");
        Assert.Equal("4", ready.ArgText);
        Assert.Equal("", ready.PathText);
        await cinotify.WaitForAsync("WRITE", "a/b/later");
    }

    [Fact]
    public async Task Names_NewlineColonDashAndInvalidUtf8_RoundTripByteExact()
    {
        using var tree = new TempTree();
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);
        byte[][] names =
        [
            "new\nline"u8.ToArray(),
            "co:lon"u8.ToArray(),
            "-dash"u8.ToArray(),
            [0xFF, 0xFE],
            "tab\there \\ back"u8.ToArray(),
        ];
        byte[] dir = [(byte)'d', 0xC3, 0x28];
        byte[] inDir = [.. dir, (byte)'/', 0x80, (byte)'\n'];
        byte[] moved = [0xFE, (byte)':', (byte)'\n'];

        foreach (var name in names)
        {
            Libc.CreateFile(tree.In(name));
        }
        Libc.CreateDirectory(tree.In(dir));
        Libc.CreateFile(tree.In(inDir));
        Libc.Move(tree.In(names[3]), tree.In(moved));

        foreach (var name in names.Append(inDir))
        {
            await cinotify.WaitForAsync(r => r.Event is "CREATE" or "FOUND" && r.Path.AsSpan().SequenceEqual(name),
                CinotifyProcess.DefaultTimeout, $"CREATE {Convert.ToHexString(name)}");
        }
        var move = await cinotify.WaitForAsync(r => r.Event == "MOVE", CinotifyProcess.DefaultTimeout, "MOVE");
        Assert.Equal(names[3], move.Path);
        Assert.Equal(moved, move.Arg);
        Assert.Contains(cinotify.Records, r => r.Event == "CREATE" && r.IsDir && r.Path.AsSpan().SequenceEqual(dir));
    }

    [Fact]
    public async Task Symlink_ToDirectoryOutside_NotFollowed()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.Out("ext/sub"));
        File.CreateSymbolicLink(tree.In("link"), tree.Out("ext"));

        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);
        File.CreateSymbolicLink(tree.In("link2"), tree.Out("ext"));
        File.WriteAllText(tree.Out("ext/outside-file"), "x");
        File.WriteAllText(tree.Out("ext/sub/outside-file"), "x");
        File.WriteAllText(tree.In("marker"), "x");

        await cinotify.WaitForAsync("WRITE", "marker");
        var records = cinotify.Records;
        Assert.Equal("1", Assert.Single(records, r => r.Event == "READY").ArgText);
        Assert.Contains(records, r => r.Is("CREATE", "link2") && !r.IsDir);
        Assert.DoesNotContain(records, r => r.PathText.StartsWith("link", StringComparison.Ordinal) && r.PathText.Contains('/'));
        Assert.DoesNotContain(records, r => r.PathText.Contains("outside-file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Attrib_ModeChanged_Reported()
    {
        using var tree = new TempTree();
        File.WriteAllText(tree.In("f"), "x");
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        File.SetUnixFileMode(tree.In("f"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Delete(tree.In("f"));

        await cinotify.WaitForAsync("ATTRIB", "f");
        var delete = await cinotify.WaitForAsync("DELETE", "f");
        Assert.False(delete.IsDir);
    }
}

public sealed class NativeCinotifyEventTests() : CinotifyEventTests(CinotifyLaunch.Native);

public sealed class EmptyRootCinotifyEventTests() : CinotifyEventTests(CinotifyLaunch.EmptyRoot);

public sealed class QemuArm64CinotifyEventTests() : CinotifyEventTests(CinotifyLaunch.QemuArm64);
