using Psync.Agent.Tests.Launchers;
using Psync.Protocol;

namespace Psync.Agent.Tests;

public abstract class TrashTests<TLauncher> : IAsyncLifetime where TLauncher : IAgentLauncher, new()
{
    private AgentSession _agent = null!;

    public async Task InitializeAsync() => _agent = await AgentSession.StartAsync(new TLauncher());

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private string Full(string rel) => _agent.Full(rel);

    /// <summary>Writes a file and deletes it through the agent, so it lands in the trash; returns its trash id.</summary>
    private async Task<string> TrashAsync(string rel, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Full(rel))!);
        await File.WriteAllTextAsync(Full(rel), content);
        var deleted = await _agent.RunAsync(new DeleteOp(rel, Expect.Is(await _agent.StatAsync(rel)), Recursive: false));
        Assert.Equal(OpStatus.Ok, deleted.Status);
        return (await _agent.ListTrashAsync()).Last(i => i.Path == rel).Id;
    }

    [AgentFact(Under = Launch.All)]
    public async Task ListTrash_AfterDeletes_ListsIdPathTimeAndState()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await TrashAsync("a.txt", "A");
        await TrashAsync("sub/b.txt", "BB");
        Directory.CreateDirectory(Full("d/e"));
        var dir = await _agent.RunAsync(new DeleteOp("d", Expect.Is(await _agent.StatAsync("d")), Recursive: true));

        var items = await _agent.ListTrashAsync();

        Assert.Equal(OpStatus.Ok, dir.Status);
        Assert.Equal(["a.txt", "sub/b.txt", "d"], items.Select(i => i.Path));
        Assert.Equal([EntryKind.File, EntryKind.File, EntryKind.Directory], items.Select(i => i.State.Kind));
        Assert.Equal(2, items[1].State.Size);
        Assert.All(items, i => Assert.InRange(i.TrashedUnixMs, before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000));
        Assert.All(items, i => Assert.True(Path.Exists(Full($".psync/trash/{i.Id}"))));
    }

    [AgentFact]
    public async Task ListTrash_Empty_IsEmpty()
    {
        Assert.Empty(await _agent.ListTrashAsync());
    }

    [AgentFact(Under = Launch.All)]
    public async Task Restore_ToOriginalPath_RenamesBackAndLeavesTheListing()
    {
        var id = await TrashAsync("sub/doc.txt", "keep me");
        var inTrash = (await _agent.ListTrashAsync()).Single().State;

        var result = await _agent.RunAsync(new RestoreOp(id));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal("sub/doc.txt", result.Data);
        Assert.Equal(inTrash.Inode, result.State.Inode); // renamed back, not copied
        Assert.Equal("keep me", await File.ReadAllTextAsync(Full("sub/doc.txt")));
        Assert.Empty(await _agent.ListTrashAsync());
        Assert.DoesNotContain(id, await File.ReadAllTextAsync(Full(".psync/trash.log")));
    }

    [AgentFact]
    public async Task Restore_ToGivenDestination_RenamesThere()
    {
        var id = await TrashAsync("a.txt", "A");

        var result = await _agent.RunAsync(new RestoreOp(id, "elsewhere/b.txt"));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal("elsewhere/b.txt", result.Data);
        Assert.Equal("A", await File.ReadAllTextAsync(Full("elsewhere/b.txt")));
        Assert.False(File.Exists(Full("a.txt")));
    }

    [AgentFact]
    public async Task Restore_PathTaken_IsConflictAndNothingLost()
    {
        var id = await TrashAsync("doc.txt", "old version");
        await File.WriteAllTextAsync(Full("doc.txt"), "new version");
        var taken = await _agent.StatAsync("doc.txt");

        var result = await _agent.RunAsync(new RestoreOp(id));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.Equal(taken, result.State);
        Assert.Equal("doc.txt", result.Data);
        Assert.Contains("exists", result.Message);
        Assert.Equal("new version", await File.ReadAllTextAsync(Full("doc.txt")));
        Assert.Equal("old version", await File.ReadAllTextAsync(Full($".psync/trash/{id}")));
        Assert.Equal(id, (await _agent.ListTrashAsync()).Single().Id);
    }

    [AgentFact]
    public async Task Restore_TakenByADirectory_IsConflictAndNothingLost()
    {
        var id = await TrashAsync("x", "file");
        Directory.CreateDirectory(Full("x"));

        var result = await _agent.RunAsync(new RestoreOp(id));

        Assert.Equal(OpStatus.Conflict, result.Status);
        Assert.Equal(EntryKind.Directory, result.State.Kind);
        Assert.True(File.Exists(Full($".psync/trash/{id}")));
    }

    [AgentFact]
    public async Task Restore_MissingParents_AreCreated()
    {
        var id = await TrashAsync("a/b/c/f.txt", "deep");
        Directory.Delete(Full("a"), recursive: true);

        var result = await _agent.RunAsync(new RestoreOp(id));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal("deep", await File.ReadAllTextAsync(Full("a/b/c/f.txt")));
    }

    [AgentFact]
    public async Task Restore_Directory_WholeTreeBack()
    {
        Directory.CreateDirectory(Full("d/sub"));
        await File.WriteAllTextAsync(Full("d/sub/f"), "x");
        await _agent.RunAsync(new DeleteOp("d", Expect.Is(await _agent.StatAsync("d")), Recursive: true));
        var item = (await _agent.ListTrashAsync()).Single();

        var result = await _agent.RunAsync(new RestoreOp(item.Id));

        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal(EntryKind.Directory, result.State.Kind);
        Assert.Equal("x", await File.ReadAllTextAsync(Full("d/sub/f")));
    }

    // Built at run time: xUnit v2 serializes [InlineData] strings and would turn the escaped
    // (invalid UTF-8) bytes into U+FFFD.
    public static TheoryData<string> OddNames() => ["line\nbreak", "-leading-dash", "co:lon", "bad\uDCFF\uDCFEutf8"];

    [AgentTheory]
    [MemberData(nameof(OddNames), DisableDiscoveryEnumeration = true)]
    public async Task ListAndRestore_OddNames_RoundTripExactly(string name)
    {
        var path = $"{name}/{name}";
        await _agent.RunAsync(new MkdirOp(name, 0x1ED, Expect.Absent));
        await _agent.RunAsync(new SymlinkOp(path, "target", Expect.Absent));
        await _agent.RunAsync(new DeleteOp(path, Expect.Is(await _agent.StatAsync(path)), Recursive: false));
        await _agent.RunAsync(new DeleteOp(name, Expect.Is(await _agent.StatAsync(name)), Recursive: false));

        var item = Assert.Single(await _agent.ListTrashAsync());
        var result = await _agent.RunAsync(new RestoreOp(item.Id));

        Assert.Equal(path, item.Path);
        Assert.Equal(OpStatus.Ok, result.Status);
        Assert.Equal(path, result.Data);
        Assert.Equal(EntryKind.Symlink, (await _agent.StatAsync(path)).Kind);
        Assert.Equal([name, path], (await _agent.ScanAsync()).Select(e => e.Path));
    }

    [AgentTheory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("../../etc")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    public async Task Restore_IdNotOnePlainName_IsRefused(string id)
    {
        await TrashAsync("f", "x");

        var result = await _agent.RunAsync(new RestoreOp(id, "restored"));

        Assert.Equal(OpStatus.Error, result.Status);
        Assert.False(Path.Exists(Full("restored")));
        Assert.Single(await _agent.ListTrashAsync());
    }

    [AgentTheory]
    [InlineData("../escape")]
    [InlineData("/tmp/escape")]
    [InlineData(".psync/stage/x")]
    [InlineData("out/victim")]
    public async Task Restore_DestinationNotConfined_IsRefused(string to)
    {
        var outside = _agent.NewOutsideDirectory();
        File.CreateSymbolicLink(Full("out"), _agent.SeenByAgent(outside));
        var id = await TrashAsync("f", "x");

        var result = await _agent.RunAsync(new RestoreOp(id, to));

        Assert.Equal(OpStatus.Error, result.Status);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.Equal(id, (await _agent.ListTrashAsync()).Single().Id);
    }

    [AgentFact]
    public async Task Restore_UnknownId_IsErrorAndCreatesNoParents()
    {
        var result = await _agent.RunAsync(new RestoreOp("20200101T000000.000Z-1-1", "new/dir/f"));

        Assert.Equal(OpStatus.Error, result.Status);
        Assert.Contains("no entry", result.Message);
        Assert.False(Directory.Exists(Full("new")));
    }

    [AgentFact]
    public async Task Restore_NoLogRecordAndNoDestination_IsError()
    {
        await File.WriteAllTextAsync(Full(".psync/trash/20200101T000000.000Z-1-1"), "orphan");

        var listed = Assert.Single(await _agent.ListTrashAsync());
        var result = await _agent.RunAsync(new RestoreOp(listed.Id));
        var given = await _agent.RunAsync(new RestoreOp(listed.Id, "orphan.txt"));

        Assert.Null(listed.Path);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), listed.TrashedUnixMs);
        Assert.Equal(OpStatus.Error, result.Status);
        Assert.Equal(OpStatus.Ok, given.Status);
        Assert.Equal("orphan", await File.ReadAllTextAsync(Full("orphan.txt")));
    }

    [AgentFact]
    public async Task ReadOnly_ListsButRefusesRestore()
    {
        var id = await TrashAsync("f", "x");
        var connection = _agent.Launcher.Start(_agent.Root, readOnly: true);
        await using (connection)
        {
            await connection.HelloAsync(_agent.Deadline);

            var items = await connection.ListTrashAsync().WaitAsync(_agent.Deadline);
            var result = await connection.RunAsync(new RestoreOp(id)).WaitAsync(_agent.Deadline);

            Assert.Equal(id, items.Single().Id);
            Assert.Equal(OpStatus.Error, result.Status);
            Assert.Contains("read-only", result.Message);
            Assert.False(File.Exists(Full("f")));
        }
    }

    [AgentFact]
    public async Task ReadOnly_NoOwnArea_ListsNothingAndCreatesNothing()
    {
        var launcher = new TLauncher();
        var root = launcher.NewRoot();
        try
        {
            await using var connection = launcher.Start(root, readOnly: true);
            await connection.HelloAsync(launcher.Deadline);

            Assert.Empty(await connection.ListTrashAsync().WaitAsync(launcher.Deadline));
            Assert.False(Directory.Exists(Path.Combine(root, ".psync")));
        }
        finally
        {
            Sandbox.Delete(root);
        }
    }
}

public sealed class NativeTrashTests : TrashTests<NativeLauncher>;

public sealed class EmptyRootTrashTests : TrashTests<EmptyRootLauncher>;

/// <summary>Listing the trash and restoring from it.</summary>
public sealed class QemuArm64TrashTests : TrashTests<QemuArm64Launcher>;
