using Psync.Engine.Index;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>The one merge-join the reconcile, the check and Verify share.</summary>
public sealed class ScanJoinTests
{
    private static readonly FileState File = new(EntryKind.File, 1, 1, 0x81A4, 1, 1, null);

    [Fact]
    public async Task Join_ThreeSources_OnePathAtATimeInPathOrder()
    {
        // "a/b" sorts before "a-b" in PathOrder (a directory's contents follow it), not as ordinal strings do.
        var left = Scan("a", "a/b", "a-b", "z");
        var right = Scan("a", "a/c", "a-b");
        var known = new List<IndexEntry> { new("a/b", File, File), new("m", File, File) }.GetEnumerator();

        var rows = await ReadAllAsync(left, right, known);

        Assert.Equal(
            ["a LR", "a/b L-I", "a/c -R", "a-b LR", "m --I", "z L"],
            rows.Select(r => $"{r.Path} {(r.Left is null ? "-" : "L")}{(r.Right is null ? (r.Known is null ? "" : "-") : "R")}{(r.Known is null ? "" : "I")}"));
    }

    [Fact]
    public async Task Join_SidesEmpty_ReturnsNothing()
    {
        Assert.Empty(await ReadAllAsync(Scan(), Scan(), null));
    }

    [Fact]
    public async Task Join_ScanFails_ThrowsAfterBothMovesEnded()
    {
        var failing = Failing();
        var right = Scan("a", "b");
        var join = await Assert.ThrowsAsync<IOException>(() => ScanJoin.StartAsync(failing, right));
        Assert.Equal("scan broke", join.Message);
        Assert.Equal("a", right.Current.Path); // the other side's move completed, so it can be disposed safely
    }

    private static async Task<List<JoinedPath>> ReadAllAsync(IAsyncEnumerator<ScanEntry> left, IAsyncEnumerator<ScanEntry> right, IEnumerator<IndexEntry>? known)
    {
        var join = await ScanJoin.StartAsync(left, right, known);
        var rows = new List<JoinedPath>();
        while (await join.NextAsync() is { } row)
        {
            rows.Add(row);
        }
        Assert.True(join.Ended(Side.Left) && join.Ended(Side.Right));
        return rows;
    }

    private static IAsyncEnumerator<ScanEntry> Scan(params string[] paths) =>
        paths.Select((p, i) => new ScanEntry(p, File, i)).ToAsyncEnumerable().GetAsyncEnumerator();

    private static async IAsyncEnumerator<ScanEntry> Failing()
    {
        await Task.Yield();
        throw new IOException("scan broke");
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }
}
