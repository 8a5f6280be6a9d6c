using System.Diagnostics;
using System.Threading.Channels;
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
    /// <param name="ct">Stops the reconcile.</param>
    /// <param name="subtree">The subtree to reconcile; empty for the whole tree.</param>
    /// <param name="why">What asked for it, for the event log (the subtree's own path says it for a subtree).</param>
    /// <param name="drain">
    /// For the whole tree: the tree is merged a page at a time (<see cref="PairOptions.ReconcilePage"/>
    /// entries a side), and a page that only adds or changes paths is handed over at once and synced
    /// by this callback before the next, so memory stays bounded however big the tree is. It returns
    /// false when the pair paused, which ends the reconcile (resuming starts another). Pages with
    /// deletes or renames are held to the end, so that renames are paired and the delete guard
    /// judges all deletes together.
    /// </param>
    public async Task<string?> RunAsync(CancellationToken ct, string subtree = "", string? why = null, Func<CancellationToken, Task<bool>>? drain = null)
    {
        var watch = Stopwatch.StartNew();
        var limit = subtree.Length == 0 && drain is not null ? ctx.Options.ReconcilePage : 0;
        long[] scanned = [0, 0];
        long indexed = 0, changed = 0;
        var unreadable = new[] { new List<string>(), new List<string>() };
        var held = new List<Report>();
        long[] heldFrom = [long.MaxValue, long.MaxValue];
        var gone = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
        var after = "";
        Scanned? ahead = null;
        for (var first = true; ; first = false)
        {
            Page page;
            try
            {
                page = await MergePageAsync(subtree, after, limit, ahead, ct).ConfigureAwait(false);
            }
            catch when (ahead is not null)
            {
                // Its scans end before the reconcile does (an agent gone fails them too).
                await ahead.Done.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
            if (ahead is not null)
            {
                await ahead.Done.ConfigureAwait(false); // ended with the merge, which read both to the end
                ahead = null;
            }
            indexed += page.Indexed;
            for (var side = 0; side < 2; side++)
            {
                scanned[side] += page.Merged[side];
                unreadable[side].AddRange(page.Summaries[side].Unreadable);
            }
            if (first && EmptyRoot(page, subtree) is { } reason)
            {
                return reason;
            }
            var reports = Numbered(page.Reports, page.Summaries, unreadable);
            changed += page.Reports.Count / 2;
            if (page.Gone.Count > 0 || page.Next is null)
            {
                held.AddRange(reports);
                foreach (var report in reports)
                {
                    heldFrom[(int)report.Side] = Math.Min(heldFrom[(int)report.Side], report.Seq);
                }
                foreach (var (path, entry) in page.Gone)
                {
                    gone[path] = entry;
                }
            }
            else
            {
                // No entry of this page is gone on a side: every absence in it is of a path the index never had.
                foreach (var report in reports)
                {
                    ctx.Changes.ReportUnindexed(report.Side, report.Path, report.State, report.Seq);
                }
                // What the drain writes is remembered against the held reports and the next page's
                // entries, which come later: these are numbered from where the agents' horizons stand now.
                foreach (var side in new[] { Side.Left, Side.Right })
                {
                    ctx.Changes.Pending(side, Math.Min(heldFrom[(int)side], ctx.Changes.Horizon(side)));
                }
                // The next page's scans are read while this one syncs. Its paths all come after this
                // page's, which is all a drain writes, unless something is reported there meanwhile
                // (a live event, a conflict's copy): then it is scanned again. A scan read for
                // nothing is still read to its end (one page), so no request outlives the reconcile.
                var reading = ScanAhead(subtree, page.Next!, limit, ct);
                ctx.Changes.MarkAfter(page.Next!);
                bool synced, stale;
                try
                {
                    synced = await drain!(ct).ConfigureAwait(false);
                }
                catch
                {
                    await reading.Done.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw;
                }
                finally
                {
                    stale = ctx.Changes.EndMark();
                    ctx.Changes.Pending(Side.Left, long.MaxValue);
                    ctx.Changes.Pending(Side.Right, long.MaxValue);
                }
                if (synced && !stale)
                {
                    ahead = reading;
                }
                else
                {
                    await reading.Done.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (!synced)
                    {
                        return null;
                    }
                }
            }
            if (page.Next is null)
            {
                break;
            }
            after = page.Next;
        }
        ctx.Journal.ForgetUnreadable(subtree);
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            foreach (var dir in unreadable[(int)side])
            {
                ctx.Journal.Record(EventKind.Warning, side, dir, "cannot list this directory: what is below it is neither synced nor taken as deleted");
                ctx.Journal.OutOfSyncFound(dir, OutOfSyncReason.Unreadable, side, "cannot list this directory: what is below it is neither synced nor taken as deleted");
            }
        }
        var moves = PairMoves(held, gone);
        foreach (var report in held)
        {
            if (report.State.Exists || gone.ContainsKey(report.Path))
            {
                ctx.Changes.Report(report.Side, report.Path, report.State, report.Seq);
            }
            else
            {
                // Absent where the index never had it: nothing to delete, and no delete hold to wait out.
                ctx.Changes.ReportUnindexed(report.Side, report.Path, report.State, report.Seq);
            }
        }
        foreach (var (side, from, to, state, seq) in moves)
        {
            ctx.Changes.ReportMove(side, from, to, state, seq);
        }
        ctx.Journal.Record(EventKind.Reconcile, null, subtree, $"scanned {scanned[0]} left, {scanned[1]} right, {indexed} indexed: {changed} paths to look at{(why is null ? "" : $" ({why})")}", watch.Elapsed);
        return null;
    }

    /// <summary>Both sides' scans of one page, started ahead: their entries as they come, each scan's summary, and both scans' end.</summary>
    private sealed record Scanned(IAsyncEnumerable<ScanEntry>[] Entries, ScanSummary[] Summaries, Task Done);

    /// <summary>
    /// Starts both sides' scans of the page after <paramref name="after"/>. What they read waits in
    /// memory (at most <paramref name="limit"/> entries a side) until the merge takes it, which may
    /// begin before they end.
    /// </summary>
    private Scanned ScanAhead(string subtree, string after, int limit, CancellationToken ct)
    {
        var summaries = new[] { new ScanSummary(), new ScanSummary() };
        var read = new[] { Channel.CreateUnbounded<ScanEntry>(new() { SingleReader = true, SingleWriter = true }), Channel.CreateUnbounded<ScanEntry>(new() { SingleReader = true, SingleWriter = true }) };
        async Task ReadAsync(Side side)
        {
            var writer = read[(int)side].Writer;
            try
            {
                await foreach (var entry in ctx.Agent(side).ScanAsync(summaries[(int)side], ct, subtree, after, limit).ConfigureAwait(false))
                {
                    writer.TryWrite(entry);
                }
                writer.Complete();
            }
            catch (Exception e)
            {
                writer.Complete(e);
                throw;
            }
        }
        var done = Task.WhenAll(ReadAsync(Side.Left), ReadAsync(Side.Right));
        return new Scanned([read[0].Reader.ReadAllAsync(ct), read[1].Reader.ReadAllAsync(ct)], summaries, done);
    }

    /// <summary>One page of the merge: reports, the index entries gone on a side (maybe renamed there), and where the next page starts (null: this was the last).</summary>
    private sealed record Page(List<Report> Reports, Dictionary<string, IndexEntry> Gone, ScanSummary[] Summaries, long[] Merged, long Indexed, string? Next);

    /// <summary>
    /// Merges both scans (one page of each, when <paramref name="limit"/> is set) with the index.
    /// A page ends where the first side's scan stopped at its limit: past that path the side is
    /// not known yet, so the rest is read to the scan's end (for its summary) and left to the next page.
    /// </summary>
    private async Task<Page> MergePageAsync(string subtree, string after, int limit, Scanned? ahead, CancellationToken ct)
    {
        var summaries = ahead?.Summaries ?? [new ScanSummary(), new ScanSummary()];
        var reports = new List<Report>();
        var gone = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
        await using var left = (ahead?.Entries[0] ?? ctx.Agent(Side.Left).ScanAsync(summaries[0], ct, subtree, after, limit)).GetAsyncEnumerator(ct);
        await using var right = (ahead?.Entries[1] ?? ctx.Agent(Side.Right).ScanAsync(summaries[1], ct, subtree, after, limit)).GetAsyncEnumerator(ct);
        using var index = IndexOf(subtree, after).GetEnumerator();
        var join = await ScanJoin.StartAsync(left, right, index).ConfigureAwait(false);
        long indexed = 0;
        long[] merged = [0, 0];
        string? next = null;
        // A scan that ended at the limit was cut short: past its last path that side is not known yet.
        bool Truncated(Side side) => limit > 0 && join.Ended(side) && summaries[(int)side].Count >= limit;
        while (next is null && await join.NextAsync().ConfigureAwait(false) is (var path, var le, var re, var ie))
        {
            Merge(path, le, re, ie, reports);
            if (ie is not null && (le is null || re is null))
            {
                gone[path] = ie; // gone on a side: maybe renamed there
            }
            merged[0] += le is null ? 0 : 1;
            merged[1] += re is null ? 0 : 1;
            indexed += ie is null ? 0 : 1;
            if (Truncated(Side.Left) || Truncated(Side.Right))
            {
                next = path;
            }
        }
        await join.ReadToEndAsync().ConfigureAwait(false);
        return new Page(reports, gone, summaries, merged, indexed, next);
    }

    /// <summary>An empty side where many paths were in sync looks like a missing mount, not a person's deletes (a few files deleted is ordinary, and then the trash has them).</summary>
    private string? EmptyRoot(Page first, string subtree)
    {
        if (subtree.Length > 0)
        {
            return null;
        }
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            if (first.Summaries[(int)side].Count == 0 && ctx.Index.Count() is var known && known >= EmptyRootGuard)
            {
                return $"the {side.Name()} root {ctx.Root(side)} is empty, but {known} paths were in sync: is it mounted? Resume once it is right.";
            }
        }
        return null;
    }

    /// <summary>The page's reports with the scan's start as the number of what a scan did not list; nothing below an unreadable directory is taken as absent.</summary>
    private static List<Report> Numbered(List<Report> reports, ScanSummary[] summaries, List<string>[] unreadable)
    {
        var result = new List<Report>(reports.Count);
        foreach (var report in reports)
        {
            if (report.Seq >= 0)
            {
                result.Add(report);
            }
            else if (!unreadable[(int)report.Side].Any(u => PathOrder.IsSameOrBelow(report.Path, u) && report.Path != u))
            {
                result.Add(report with { Seq = summaries[(int)report.Side].StartSeq });
            }
        }
        return result;
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

    private IEnumerable<IndexEntry> IndexOf(string subtree, string after)
    {
        if (subtree.Length == 0)
        {
            return ctx.Index.EnumerateAfter(after);
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
}
