using Microsoft.Extensions.Time.Testing;
using Psync.Engine.Agents;
using Psync.Engine.Index;
using Psync.Engine.Sync;
using Psync.Engine.Transfer;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>
/// The engine's half of a restore, on real agents that do not watch: what the session learns
/// comes from the restorer alone, not from the watcher's event of the rename.
/// </summary>
public sealed class TrashRestorerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("psync-restorer-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private AgentConnection _left = null!;
    private AgentConnection _right = null!;
    private StateIndex _index = null!;
    private PairContext _ctx = null!;

    private string R(string rel) => Path.Combine(_dir, "right", rel);

    public async Task InitializeAsync()
    {
        var options = new PairOptions
        {
            LeftRoot = Directory.CreateDirectory(Path.Combine(_dir, "left")).FullName,
            RightRoot = Directory.CreateDirectory(Path.Combine(_dir, "right")).FullName,
            DataDir = Path.Combine(_dir, "data"),
        };
        var agent = Psync.Tests.RepoFiles.PublishedAgent();
        _left = LocalAgent.Start(agent, options.LeftRoot);
        _right = LocalAgent.Start(agent, options.RightRoot);
        await _left.HelloAsync(Deadline);
        await _right.HelloAsync(Deadline);
        _index = StateIndex.Open(Path.Combine(options.DataDir, "index.db"));
        _ctx = new PairContext(options, _left, _right, new RsyncEndpoint(options.LeftRoot), new RsyncEndpoint(options.RightRoot),
            _index, new ChangeSet(_clock, TimeSpan.Zero), new PairJournal(_clock), _clock);
    }

    public async Task DisposeAsync()
    {
        _index.Dispose();
        await _left.DisposeAsync();
        await _right.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Writes a file on the right and deletes it through the agent, as a synced delete would; returns its trash id.</summary>
    private async Task<string> TrashOnRightAsync(string rel, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(R(rel))!);
        await File.WriteAllTextAsync(R(rel), content);
        var state = (await _right.RunAsync(new StatOp(rel))).State;
        Assert.Equal(OpStatus.Ok, (await _right.RunAsync(new DeleteOp(rel, Expect.Is(state), Recursive: false))).Status);
        return (await _right.ListTrashAsync()).Single(i => i.Path == rel).Id;
    }

    [Fact]
    public async Task RestoreAsync_File_QueuedAsAChangeOfThatSideAndRecorded()
    {
        var id = await TrashOnRightAsync("doc.txt", "precious");

        var result = await new TrashRestorer(_ctx).RestoreAsync(Side.Right, id, CancellationToken.None);

        var work = Assert.Single(_ctx.Changes.TakeReady().Paths);
        Assert.Equal("doc.txt", work.Path);
        Assert.Equal(result.State, work.Right?.State);
        Assert.Null(work.Left);
        Assert.False(_ctx.Reconcile.HasSubtrees);
        Assert.Contains(_ctx.Journal.History, e => e.Kind == EventKind.Restore && e.Target == Side.Right && e.Path == "doc.txt");
    }

    [Fact]
    public async Task RestoreAsync_ParentsUnknownToTheIndex_TopmostIsReconciled()
    {
        var id = await TrashOnRightAsync("a/b/f.txt", "deep");
        Directory.Delete(R("a"), recursive: true);

        await new TrashRestorer(_ctx).RestoreAsync(Side.Right, id, CancellationToken.None);

        Assert.Equal(["a"], _ctx.Reconcile.TakeSubtrees());
        Assert.Equal("deep", await File.ReadAllTextAsync(R("a/b/f.txt")));
    }

    [Fact]
    public async Task RestoreAsync_PathTaken_RestoredBesideWithTheTimeOfTheRestore()
    {
        var first = await TrashOnRightAsync("doc.txt", "first");
        await File.WriteAllTextAsync(R("doc.txt"), "taken");
        await File.WriteAllTextAsync(R("doc.psync-restored-20240102-030405.txt"), "taken too");

        var result = await new TrashRestorer(_ctx).RestoreAsync(Side.Right, first, CancellationToken.None);

        Assert.Equal(("doc.txt", "doc.psync-restored-20240102-030405-1.txt", true), (result.OriginalPath, result.RestoredPath, result.Renamed));
        Assert.Equal("first", await File.ReadAllTextAsync(R(result.RestoredPath)));
        Assert.Equal("taken", await File.ReadAllTextAsync(R("doc.txt")));
        Assert.Equal("taken too", await File.ReadAllTextAsync(R("doc.psync-restored-20240102-030405.txt")));
        Assert.Equal(result.RestoredPath, Assert.Single(_ctx.Changes.TakeReady().Paths).Path);
    }

    [Fact]
    public async Task RestoreAsync_DryRun_RefusedAndNothingMoved()
    {
        var id = await TrashOnRightAsync("doc.txt", "x");
        var dry = new PairContext(_ctx.Options with { DryRun = true }, _left, _right, _ctx.Endpoint(Side.Left), _ctx.Endpoint(Side.Right),
            _index, _ctx.Changes, _ctx.Journal, _clock);

        await Assert.ThrowsAsync<InvalidOperationException>(() => new TrashRestorer(dry).RestoreAsync(Side.Right, id, CancellationToken.None));

        Assert.False(File.Exists(R("doc.txt")));
        Assert.Single(await _right.ListTrashAsync());
    }
}
