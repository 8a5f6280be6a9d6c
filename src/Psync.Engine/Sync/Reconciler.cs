using System.Diagnostics;
using Psync.Engine.Agents;
using Psync.Engine.Index;
using Psync.Engine.Planning;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// Reconcile instead of trusting events: both agents scan (streamed, in <see cref="PathOrder"/>)
/// and the two scans are merged with the index, three ways. Every path where a side differs from
/// the index goes into the change set with the scanned states, and the planner decides as for
/// any change. Nothing is lost by an overflow, a restart or a disconnect.
/// </summary>
internal sealed class Reconciler(PairContext ctx)
{
    private const int EmptyRootGuard = 10;

    private readonly record struct Report(Side Side, string Path, FileState State, long Seq);

    /// <summary>
    /// Reconciles the whole tree, or only the subtree at <paramref name="subtree"/> (after a
    /// directory rename, whose contents no event describes). Returns null when done, or the reason
    /// the pair must pause (a root that is suddenly empty).
    /// </summary>
    public async Task<string?> RunAsync(CancellationToken ct, string subtree = "")
    {
        var watch = Stopwatch.StartNew();
        var summaries = new[] { new ScanSummary(), new ScanSummary() };
        var reports = new List<Report>();
        await using var left = ctx.Agent(Side.Left).ScanAsync(summaries[0], ct, subtree).GetAsyncEnumerator(ct);
        await using var right = ctx.Agent(Side.Right).ScanAsync(summaries[1], ct, subtree).GetAsyncEnumerator(ct);
        using var index = IndexOf(subtree).GetEnumerator();
        var l = await NextAsync(left).ConfigureAwait(false);
        var r = await NextAsync(right).ConfigureAwait(false);
        var i = index.MoveNext() ? index.Current : null;
        long indexed = 0;
        var indexInodes = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
        while (l is not null || r is not null || i is not null)
        {
            var path = Min(l?.Path, r?.Path, i?.Path);
            var le = l?.Path == path ? l : null;
            var re = r?.Path == path ? r : null;
            var ie = i?.Path == path ? i : null;
            Merge(path, le, re, ie, reports);
            if (ie is not null && (le is null || re is null))
            {
                indexInodes[path] = ie; // gone on a side: maybe renamed there
            }
            if (le is not null)
            {
                l = await NextAsync(left).ConfigureAwait(false);
            }
            if (re is not null)
            {
                r = await NextAsync(right).ConfigureAwait(false);
            }
            if (ie is not null)
            {
                indexed++;
                i = index.MoveNext() ? index.Current : null;
            }
        }
        foreach (var side in subtree.Length == 0 ? new[] { Side.Left, Side.Right } : [])
        {
            // An empty side where many paths were in sync looks like a missing mount, not a
            // person's deletes (a few files deleted is ordinary, and then the trash has them).
            if (summaries[(int)side].Count == 0 && indexed >= EmptyRootGuard)
            {
                return $"the {side.Name()} root {ctx.Root(side)} is empty, but {indexed} paths were in sync: is it mounted? Resume once it is right.";
            }
        }
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            foreach (var dir in summaries[(int)side].Unreadable)
            {
                ctx.Journal.Record("warning", side, dir, "cannot list this directory: what is below it is neither synced nor taken as deleted");
            }
        }
        var moves = PairMoves(reports, indexInodes);
        foreach (var report in reports)
        {
            var summary = summaries[(int)report.Side];
            if (report.Seq < 0 && summary.Unreadable.Any(u => PathOrder.IsSameOrBelow(report.Path, u) && report.Path != u))
            {
                continue; // below an unreadable directory: unknown, not deleted
            }
            ctx.Changes.Report(report.Side, report.Path, report.State, report.Seq < 0 ? summary.StartSeq : report.Seq);
        }
        foreach (var (side, from, to, state, seq) in moves)
        {
            ctx.Changes.ReportMove(side, from, to, state, seq);
        }
        ctx.Journal.Record("reconcile", null, subtree, $"scanned {summaries[0].Count} left, {summaries[1].Count} right, {indexed} indexed: {reports.Count / 2} paths to look at", watch.Elapsed);
        return null;
    }

    /// <summary>
    /// Renames made while no events were seen (psync stopped, an overflow): a path the index
    /// knows that is gone on one side, and a path new on that side with the same inode, are one
    /// object renamed. Reported as a move, the other side renames too instead of copying. Only the
    /// topmost of a renamed directory's entries counts; the rest move with it.
    /// </summary>
    private static List<(Side Side, string From, string To, FileState State, long Seq)> PairMoves(List<Report> reports, Dictionary<string, IndexEntry> gone)
    {
        var moves = new List<(Side, string, string, FileState, long)>();
        var absent = reports.Where(r => !r.State.Exists).Select(r => (r.Side, r.Path)).ToHashSet();
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            var byInode = new Dictionary<ulong, string>();
            foreach (var (path, entry) in gone)
            {
                if (absent.Contains((side, path)))
                {
                    byInode.TryAdd((side == Side.Left ? entry.Left : entry.Right).Inode, path);
                }
            }
            if (byInode.Count == 0)
            {
                continue;
            }
            (string From, string To)? last = null;
            foreach (var report in reports.Where(r => r.Side == side && r.State.Exists && r.Seq >= 0 && !gone.ContainsKey(r.Path)))
            {
                if (!byInode.TryGetValue(report.State.Inode, out var from) || from == report.Path)
                {
                    continue;
                }
                var known = side == Side.Left ? gone[from].Left : gone[from].Right;
                if (known.Kind != report.State.Kind)
                {
                    continue;
                }
                if (last is { } l && PathOrder.IsSameOrBelow(from, l.From) && report.Path == l.To + from[l.From.Length..])
                {
                    continue; // inside a directory already reported as renamed
                }
                moves.Add((side, from, report.Path, report.State, report.Seq));
                last = (from, report.Path);
            }
        }
        return moves;
    }

    private IEnumerable<IndexEntry> IndexOf(string subtree)
    {
        if (subtree.Length == 0)
        {
            return ctx.Index.Enumerate();
        }
        var top = ctx.Index.Get(subtree);
        return top is null ? ctx.Index.EnumerateBelow(subtree) : ctx.Index.EnumerateBelow(subtree).Prepend(top);
    }

    private static void Merge(string path, ScanEntry? l, ScanEntry? r, IndexEntry? i, List<Report> reports)
    {
        var left = l?.State ?? FileState.Absent;
        var right = r?.State ?? FileState.Absent;
        if (!Planner.Differs(left, i?.Left) && !Planner.Differs(right, i?.Right))
        {
            return;
        }
        // Seq -1: absent from the scan, numbered with the scan's start once it is known.
        reports.Add(new Report(Side.Left, path, left, l?.Seq ?? -1));
        reports.Add(new Report(Side.Right, path, right, r?.Seq ?? -1));
    }

    private static string Min(string? a, string? b, string? c)
    {
        var min = a ?? b ?? c!;
        if (b is not null && PathOrder.Instance.Compare(b, min) < 0)
        {
            min = b;
        }
        if (c is not null && PathOrder.Instance.Compare(c, min) < 0)
        {
            min = c;
        }
        return min;
    }

    private static async ValueTask<ScanEntry?> NextAsync(IAsyncEnumerator<ScanEntry> scan) =>
        await scan.MoveNextAsync().ConfigureAwait(false) ? scan.Current : null;
}
