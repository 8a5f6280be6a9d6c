using Psync.Agent.Tests.Launchers;
using Psync.Protocol;

namespace Psync.Agent.Tests;

public abstract class WatchTests<TLauncher> : IAsyncLifetime where TLauncher : IAgentLauncher, new()
{
    private AgentSession _agent = null!;

    public async Task InitializeAsync()
    {
        _agent = await AgentSession.StartAsync(new TLauncher());
        await _agent.Connection.ConfigureAsync([@"(^|/)node_modules$"], [@"\.tmp$", @"(^|/)~[^/]*$"]);
        await _agent.WatchAsync();
    }

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private string Full(string rel) => _agent.Full(rel);

    [AgentFact(Under = Launch.All)]
    public async Task Watch_FileWritten_ReportsItsNewState()
    {
        await File.WriteAllTextAsync(Full("new.txt"), "12345");

        var change = await _agent.WaitForChangeAsync("new.txt", c => c.State.Size == 5);

        Assert.Equal(ChangeKind.Changed, change.Kind);
        Assert.Equal(EntryKind.File, change.State.Kind);
        Assert.Equal(new FileInfo(Full("new.txt")).Length, change.State.Size);
    }

    [AgentFact]
    public async Task Watch_NestedDirectories_ReportsDeepFile()
    {
        Directory.CreateDirectory(Full("a/b/c"));
        File.Create(Full("a/b/c/f")).Dispose();

        var change = await _agent.WaitForChangeAsync("a/b/c/f");

        Assert.Equal(EntryKind.File, change.State.Kind);
    }

    [AgentFact(Under = Launch.All)]
    public async Task Watch_Rename_IsOneMoveWithTheNewState()
    {
        await File.WriteAllTextAsync(Full("old.txt"), "x");
        await _agent.WaitForChangeAsync("old.txt");

        File.Move(Full("old.txt"), Full("new.txt"));
        var change = await _agent.WaitForChangeAsync("new.txt");

        Assert.Equal(ChangeKind.Moved, change.Kind);
        Assert.Equal("old.txt", change.FromPath);
        Assert.Equal(EntryKind.File, change.State.Kind);
    }

    [AgentFact]
    public async Task Watch_Delete_ReportsAbsent()
    {
        await File.WriteAllTextAsync(Full("f"), "x");
        await _agent.WaitForChangeAsync("f");

        File.Delete(Full("f"));

        await _agent.WaitForChangeAsync("f", c => !c.State.Exists);
    }

    [AgentFact]
    public async Task Watch_TempfileRenamedToRealName_IsChangeOfRealName()
    {
        await File.WriteAllTextAsync(Full("doc.txt.tmp"), "draft");
        File.Move(Full("doc.txt.tmp"), Full("doc.txt"));

        var change = await _agent.WaitForChangeAsync("doc.txt");

        Assert.Equal(ChangeKind.Changed, change.Kind);
        Assert.Equal(5, change.State.Size);
        Assert.DoesNotContain(_agent.SeenChanges, c => c.Path.EndsWith(".tmp", StringComparison.Ordinal) || c.FromPath is not null);
    }

    [AgentFact]
    public async Task Watch_ExcludedAndOwnArea_AreNotReported()
    {
        Directory.CreateDirectory(Full("node_modules/pkg"));
        await File.WriteAllTextAsync(Full("node_modules/pkg/index.js"), "x");
        await File.WriteAllTextAsync(Full("~lock.doc"), "x");
        await File.WriteAllTextAsync(Full(".psync/stage/s"), "x");
        await File.WriteAllTextAsync(Full("sentinel"), "x");

        await _agent.WaitForChangeAsync("sentinel");

        Assert.Equal(["sentinel"], _agent.SeenChanges.Select(c => c.Path).Distinct());
    }

    [AgentFact]
    public async Task Watch_OddNames_RoundTrip()
    {
        string[] names = ["line\nbreak", "co:lon", "-dash", "bad\uDCFF\uDCFE"];
        foreach (var name in names)
        {
            // The agent renames a folder to each: .NET cannot name a file with invalid UTF-8, and a
            // rename is reported as one (the agent's own mkdir would be an echo, not sent).
            Directory.CreateDirectory(Full("plain"));
            var plain = await _agent.StatAsync("plain");
            Assert.Equal(OpStatus.Ok, (await _agent.RunAsync(new MoveOp("plain", name, Expect.Is(plain), Expect.Absent))).Status);
        }

        foreach (var name in names)
        {
            var change = await _agent.WaitForChangeAsync(name);
            Assert.Equal(EntryKind.Directory, change.State.Kind);
        }
    }

    [AgentFact(Under = Launch.Native)]
    public async Task Watch_OwnWrites_AreNotEchoed_ButAWriteAfterThemIs()
    {
        await File.WriteAllTextAsync(Full("gone"), "x");
        var gone = await _agent.WaitForChangeAsync("gone");
        await File.WriteAllTextAsync(Full(".psync/stage/f"), "staged");
        // Held, cinotify reads the operations' events after they answered (as it nearly always
        // does; an event that outruns its operation's answer is sent, which costs only time).
        using (_agent.HoldWatcher())
        {
            Assert.Equal(OpStatus.Ok, (await _agent.RunAsync(new CommitOp(".psync/stage/f", "f", Expect.Absent))).Status);
            Assert.Equal(OpStatus.Ok, (await _agent.RunAsync(new MkdirOp("d", 0x1ED, Expect.Absent))).Status);
            Assert.Equal(OpStatus.Ok, (await _agent.RunAsync(new DeleteOp("gone", Expect.Is(gone.State), Recursive: false))).Status);
        }
        await File.WriteAllTextAsync(Full("sentinel"), "x");
        await _agent.WaitForChangeAsync("sentinel");

        Assert.DoesNotContain(_agent.SeenChanges, c => c.Path is "f" or "d" || (c.Path == "gone" && !c.State.Exists));
        // Echoes only: no message at all (each was handled by the engine for nothing, one an operation in a burst).
        Assert.DoesNotContain(_agent.Seen, m => m is Changes { Items.Count: 0 });

        await File.AppendAllTextAsync(Full("f"), ", then edited");
        var edit = await _agent.WaitForChangeAsync("f");
        Assert.Equal((ChangeKind.Changed, new FileInfo(Full("f")).Length), (edit.Kind, edit.State.Size));
    }
}

public sealed class NativeWatchTests : WatchTests<NativeLauncher>;

public sealed class EmptyRootWatchTests : WatchTests<EmptyRootLauncher>;

/// <summary>A change, a rename, through the arm64 cinotify (under qemu too).</summary>
public sealed class QemuArm64WatchTests : WatchTests<QemuArm64Launcher>;

public abstract class RootGoneTests<TLauncher> where TLauncher : IAgentLauncher, new()
{
    [AgentFact]
    public async Task Watch_RootDeleted_ReportsRootGone()
    {
        await using var agent = await AgentSession.StartAsync(new TLauncher());
        await File.WriteAllTextAsync(agent.Full("f"), "x");
        await agent.WatchAsync();

        Directory.Delete(agent.Root, recursive: true);

        var gone = await agent.WaitForAsync<RootGone>(_ => true);
        Assert.Contains("deleted", gone.Reason);
    }
}

public sealed class NativeRootGoneTests : RootGoneTests<NativeLauncher>;

public sealed class EmptyRootRootGoneTests : RootGoneTests<EmptyRootLauncher>;

public abstract class WatchLimitTests<TLauncher> where TLauncher : IAgentLauncher, new()
{
    private readonly TLauncher _launcher = new();

    [AgentFact]
    public async Task Watch_WatchLimitExceeded_AsksForRescan()
    {
        var root = _launcher.NewRoot();
        foreach (var d in new[] { "a", "b", "c", "d", "e" })
        {
            Directory.CreateDirectory(Path.Combine(root, d));
        }
        await using var agent = await AgentSession.StartAsync(_launcher, root, new Dictionary<string, string> { ["CINOTIFY_MAX_WATCHES"] = "3" });

        await agent.Connection.WatchAsync();

        var rescan = await agent.WaitForAsync<RescanNeeded>(_ => true);
        Assert.Contains("max_user_watches = 3", rescan.Reason);
    }
}

public sealed class NativeWatchLimitTests : WatchLimitTests<NativeLauncher>;

public sealed class EmptyRootWatchLimitTests : WatchLimitTests<EmptyRootLauncher>;
