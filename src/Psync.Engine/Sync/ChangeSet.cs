using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>A state one agent reported for a path, with the agent's sequence number for it.</summary>
internal readonly record struct Observed(FileState State, long Seq);

/// <summary>The newest reported state of one path on each side (null: not reported, assume the index).</summary>
internal sealed class PathWork(string path)
{
    public string Path { get; } = path;

    public Observed? Left { get; set; }

    public Observed? Right { get; set; }

    /// <summary>When it was last reported (TimeProvider timestamp); held items wait from here.</summary>
    public long Touched { get; set; }

    /// <summary>Not before this timestamp (a retry after an error).</summary>
    public long NotBefore { get; set; }

    /// <summary>How many times in a row an operation on it failed: the retry waits 1 s, doubling up to 5 minutes, and never gives up.</summary>
    public int Attempts { get; set; }

    public Observed? Get(Side side) => side == Side.Left ? Left : Right;

    public void Set(Side side, Observed? value)
    {
        if (side == Side.Left)
        {
            Left = value;
        }
        else
        {
            Right = value;
        }
    }

    /// <summary>Deletes wait for the hold, so a save dance (rename away, write, delete) arrives as one modification.</summary>
    public bool IsHeld => Left?.State.Exists == false || Right?.State.Exists == false;
}

/// <summary>A rename one side reported; applied as a rename on the other side when the index agrees.</summary>
internal sealed record MoveHint(Side Side, string From, string To, FileState State, long Seq, long Touched);

/// <summary>
/// The coalescer: what changed since the last plan, newest state per path and side. Changes that
/// arrive while a batch runs simply accumulate here and form the next batch (group commit). Not
/// thread-safe: the pair's loop owns it.
/// </summary>
internal sealed class ChangeSet(TimeProvider clock, TimeSpan hold)
{
    /// <summary>Held changes wait for a quiet moment, but never longer than this many holds.</summary>
    private const int MaxHolds = 10;

    private readonly Dictionary<string, PathWork> _paths = new(StringComparer.Ordinal);
    private readonly List<MoveHint> _moves = [];
    // Our own operations, per side: the newest number of each path, and the paths in the order noted.
    // Remembered against reports read before they finished, until every report numbered below
    // them has been handled (see Settle and Pending).
    private readonly Dictionary<string, long>[] _opSeq = [new(StringComparer.Ordinal), new(StringComparer.Ordinal)];
    private readonly Queue<(long Seq, string Path)>[] _opOrder = [new(), new()];
    private readonly long[] _settled = [0, 0];
    private readonly long[] _pending = [long.MaxValue, long.MaxValue];
    private long _lastHeldReport;

    private string? _mark;
    private bool _reportedAfterMark;

    public int Count => _paths.Count + _moves.Count;

    /// <summary>
    /// Marks <paramref name="path"/>: until <see cref="EndMark"/>, a report of anything after it
    /// in path order is noted (and so is what is waiting here already, which the pair may sync
    /// meanwhile), since what a scan read there meanwhile may be out of date.
    /// </summary>
    public void MarkAfter(string path)
    {
        _mark = path;
        _reportedAfterMark = _paths.Keys.Any(After) || _moves.Any(m => After(m.From) || After(m.To));
    }

    private bool After(string path) => PathOrder.Instance.Compare(path, _mark) > 0;

    /// <summary>Ends the mark; returns whether a path after it was reported while it was set.</summary>
    public bool EndMark()
    {
        _mark = null;
        return _reportedAfterMark;
    }

    public bool IsEmpty => Count == 0;

    /// <summary>Records that <paramref name="side"/> has <paramref name="state"/> at <paramref name="path"/>.</summary>
    public void Report(Side side, string path, FileState state, long seq)
    {
        if (_mark is not null && After(path))
        {
            _reportedAfterMark = true;
        }
        if (_opSeq[(int)side].TryGetValue(path, out var op) && seq < op)
        {
            return; // read before our own operation on it finished: superseded
        }
        var work = GetOrAdd(path);
        if (work.Get(side) is { } current && current.Seq > seq)
        {
            return;
        }
        work.Set(side, new Observed(state, seq));
        work.Touched = clock.GetTimestamp();
        if (!state.Exists)
        {
            _lastHeldReport = work.Touched;
        }
    }

    /// <summary>
    /// A reconcile's observation of a path the index has no entry for. An absence there deletes
    /// nothing: it is recorded only to replace a state reported before, so that a page of
    /// creations is planned at once instead of waiting out the hold that deletes wait for.
    /// </summary>
    public void ReportUnindexed(Side side, string path, FileState state, long seq)
    {
        if (!state.Exists && (!_paths.TryGetValue(path, out var work) || work.Get(side) is null))
        {
            return;
        }
        Report(side, path, state, seq);
    }

    /// <summary>Puts back what a batch could not finish, to be planned again (after <paramref name="delay"/>).</summary>
    public void Requeue(PathWork work, TimeSpan delay)
    {
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            if (work.Get(side) is { } o)
            {
                Report(side, work.Path, o.State, o.Seq);
            }
        }
        if (_paths.TryGetValue(work.Path, out var requeued))
        {
            requeued.Attempts = Math.Max(requeued.Attempts, work.Attempts);
            if (delay > TimeSpan.Zero)
            {
                requeued.NotBefore = clock.GetTimestamp() + (long)(delay.TotalSeconds * clock.TimestampFrequency);
            }
        }
    }

    /// <summary>Ends the retry backoff of <paramref name="path"/>: it is due now, and a failure waits 1 s again.</summary>
    public void RetryNow(string path)
    {
        if (_paths.TryGetValue(path, out var work))
        {
            work.NotBefore = 0;
            work.Attempts = 0;
        }
    }

    /// <summary>A rename on <paramref name="side"/>; the paths involved are also reported as plain changes, so a rename that cannot be applied as one still syncs.</summary>
    public void ReportMove(Side side, string from, string to, FileState state, long seq)
    {
        // What this side reported below the old name now lives below the new one.
        foreach (var work in _paths.Values.Where(w => w.Path.Length > from.Length && PathOrder.IsSameOrBelow(w.Path, from) && w.Get(side) is not null).ToList())
        {
            var moved = work.Get(side)!.Value;
            work.Set(side, null);
            if (work.Left is null && work.Right is null)
            {
                _paths.Remove(work.Path);
            }
            Report(side, to + work.Path[from.Length..], moved.State, moved.Seq);
        }
        Report(side, from, FileState.Absent, seq);
        Report(side, to, state, seq);
        _moves.Add(new MoveHint(side, from, to, state, seq, clock.GetTimestamp()));
        _lastHeldReport = clock.GetTimestamp();
    }

    /// <summary>Our own operation on <paramref name="path"/> finished at <paramref name="seq"/>: older reports of it are echoes or stale.</summary>
    public void NoteOwnWrite(Side side, string path, long seq)
    {
        var seen = _opSeq[(int)side];
        if (!seen.TryGetValue(path, out var op) || op < seq)
        {
            seen[path] = seq;
            _opOrder[(int)side].Enqueue((seq, path));
        }
        if (_paths.TryGetValue(path, out var work) && work.Get(side) is { } o && o.Seq < seq)
        {
            work.Set(side, null);
            if (work.Left is null && work.Right is null)
            {
                _paths.Remove(path);
            }
        }
    }

    /// <summary>The agent on <paramref name="side"/> has sent every report numbered below <paramref name="horizon"/>, and those in the inbox before it have been handled.</summary>
    public void Settle(Side side, long horizon) => _settled[(int)side] = Math.Max(_settled[(int)side], horizon);

    /// <summary>The last horizon <see cref="Settle"/>d for <paramref name="side"/>: anything the agent numbers after a request sent now is at or above it.</summary>
    public long Horizon(Side side) => _settled[(int)side];

    /// <summary>
    /// Reports numbered from <paramref name="seq"/> on <paramref name="side"/> are still to come
    /// from elsewhere than the inbox (a reconcile's scans and held pages); long.MaxValue: none.
    /// </summary>
    public void Pending(Side side, long seq) => _pending[(int)side] = seq;

    /// <summary>
    /// Takes what is due: every path not held at once; held ones (deletes, renames) all together
    /// once no delete or rename has been reported for the hold time, so that a burst (rm -r, a
    /// save dance) is planned as one.
    /// </summary>
    public (List<MoveHint> Moves, List<PathWork> Paths) TakeReady()
    {
        var now = clock.GetTimestamp();
        var heldDue = HeldDueAt() <= now;
        var moves = new List<MoveHint>();
        var busy = new HashSet<string>(StringComparer.Ordinal);
        foreach (var move in _moves.ToList())
        {
            if (heldDue)
            {
                moves.Add(move);
                _moves.Remove(move);
            }
            else
            {
                busy.Add(move.From);
                busy.Add(move.To);
            }
        }
        var paths = new List<PathWork>();
        foreach (var work in _paths.Values)
        {
            var due = work.NotBefore <= now
                && !IsBusy(work.Path, busy)
                && (!work.IsHeld || heldDue);
            if (due)
            {
                paths.Add(work);
            }
        }
        foreach (var work in paths)
        {
            _paths.Remove(work.Path);
        }
        InPathOrder(paths);
        PruneOps();
        return (moves, paths);
    }

    /// <summary>
    /// Sorts <paramref name="paths"/> in path order. A reconcile's page arrives in that order, and
    /// the dictionary gives it back so, or reversed once the slots of the page before are reused:
    /// one pass tells, where a sort of 20,000 paths took 10–30 ms between two pages.
    /// </summary>
    private static void InPathOrder(List<PathWork> paths)
    {
        static bool Sorted(List<PathWork> list)
        {
            for (var i = 1; i < list.Count; i++)
            {
                if (PathOrder.CompareSpans(list[i - 1].Path, list[i].Path) > 0)
                {
                    return false;
                }
            }
            return true;
        }
        if (Sorted(paths))
        {
            return;
        }
        paths.Reverse();
        if (!Sorted(paths))
        {
            paths.Sort((a, b) => PathOrder.Instance.Compare(a.Path, b.Path));
        }
    }

    /// <summary>How long until something held becomes due; null when nothing waits.</summary>
    public TimeSpan? NextDue()
    {
        if (IsEmpty)
        {
            return null;
        }
        var now = clock.GetTimestamp();
        var heldDue = HeldDueAt();
        var due = _moves.Count > 0 ? heldDue : long.MaxValue;
        var busy = _moves.SelectMany(m => new[] { m.From, m.To }).ToHashSet(StringComparer.Ordinal);
        foreach (var work in _paths.Values)
        {
            // A path a pending rename touches waits with the rename.
            var at = Math.Max(work.NotBefore, work.IsHeld || IsBusy(work.Path, busy) ? heldDue : 0);
            due = Math.Min(due, at);
        }
        return TimeSpan.FromSeconds(Math.Max(0, due - now) / (double)clock.TimestampFrequency);
    }

    /// <summary>When held changes are due: a hold after the last one, at most <see cref="MaxHolds"/> holds after the first still waiting.</summary>
    private long HeldDueAt()
    {
        var holdTicks = (long)(hold.TotalSeconds * clock.TimestampFrequency);
        var oldest = long.MaxValue;
        foreach (var move in _moves)
        {
            oldest = Math.Min(oldest, move.Touched);
        }
        foreach (var work in _paths.Values)
        {
            if (work.IsHeld)
            {
                oldest = Math.Min(oldest, work.Touched);
            }
        }
        return oldest == long.MaxValue ? long.MaxValue : Math.Min(_lastHeldReport + holdTicks, oldest + (MaxHolds * holdTicks));
    }

    /// <summary>The path, or a directory above it, is part of a rename still on hold.</summary>
    private static bool IsBusy(string path, HashSet<string> busy)
    {
        if (busy.Count == 0)
        {
            return false;
        }
        for (var end = path.Length; end > 0; end = path.LastIndexOf('/', end - 1))
        {
            if (busy.Contains(path[..end]))
            {
                return true;
            }
        }
        return false;
    }

    private PathWork GetOrAdd(string path)
    {
        if (!_paths.TryGetValue(path, out var work))
        {
            work = new PathWork(path);
            _paths[path] = work;
        }
        return work;
    }

    /// <summary>Forgets our operations that no report still to come can predate.</summary>
    private void PruneOps()
    {
        for (var side = 0; side < 2; side++)
        {
            var below = Math.Min(_settled[side], _pending[side]);
            var order = _opOrder[side];
            while (order.TryPeek(out var op) && op.Seq <= below)
            {
                order.Dequeue();
                if (_opSeq[side].TryGetValue(op.Path, out var seq) && seq == op.Seq)
                {
                    _opSeq[side].Remove(op.Path);
                }
            }
        }
    }
}
