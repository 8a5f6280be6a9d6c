namespace Psync.Engine.Sync;

/// <summary>
/// How far the pair's current run of work is: the files (and their bytes) of every plan since the
/// pair last was idle, and how many of them are committed. Totals grow when a plan joins the run;
/// a transfer that did not go through leaves the totals (it is retried in a later plan, which adds it again).
/// </summary>
/// <param name="Files">Files to send in this run.</param>
/// <param name="FilesDone">Files committed on their target so far.</param>
/// <param name="Bytes">Their bytes, as planned.</param>
/// <param name="BytesDone">The committed files' bytes.</param>
/// <param name="Started">When the run's first plan started.</param>
/// <param name="Updated">When a figure last changed (the end of the run, once <paramref name="Finished"/>).</param>
/// <param name="Finished">The run is over: the pair went idle, paused or stopped.</param>
public sealed record PlanProgress(long Files, long FilesDone, long Bytes, long BytesDone, DateTimeOffset Started, DateTimeOffset Updated, bool Finished)
{
    /// <summary>0 to 1: by bytes, or by files when the run has no data to send.</summary>
    public double Fraction => Bytes > 0 ? Math.Clamp((double)BytesDone / Bytes, 0, 1) : Files > 0 ? (double)FilesDone / Files : 1;

    /// <summary>
    /// The bytes committed per second of the run so far (0 until some are): over a quarter of a
    /// second at least, so the first files of a run give a modest rate, not none or a wild one.
    /// </summary>
    public double BytesPerSecond => BytesDone / Math.Max((Updated - Started).TotalSeconds, 0.25);

    /// <summary>How long the rest should take at <see cref="BytesPerSecond"/>; zero once finished, null while there is no rate yet.</summary>
    public TimeSpan? Remaining => Finished ? TimeSpan.Zero
        : BytesPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, Bytes - BytesDone) / BytesPerSecond)
        : null;
}

/// <summary>
/// Keeps <see cref="PlanProgress"/>: the executor adds each plan's transfers, the batch transfer counts
/// commits as the agent reports them, and the run ends when the pair stops working. Read from any thread.
/// </summary>
internal sealed class ProgressTracker(TimeProvider clock, Action changed)
{
    /// <summary>At most four updates a second while commits stream in, so a burst does not flood subscribers.</summary>
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _lock = new();
    private PlanProgress? _current;
    private readonly Dictionary<string, (long Files, long Bytes)> _staged = new(StringComparer.Ordinal);
    private long _lastPublish;

    /// <summary>The current run, or the last one (finished); null before the first plan.</summary>
    public PlanProgress? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>A plan with <paramref name="files"/> transfers of <paramref name="bytes"/> joins the run (or starts one).</summary>
    public void Plan(long files, long bytes)
    {
        if (files == 0)
        {
            return;
        }
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            _current = _current is { Finished: false } run
                ? run with { Files = run.Files + files, Bytes = run.Bytes + bytes, Updated = now }
                : new PlanProgress(files, 0, bytes, 0, now, now, Finished: false);
        }
        Publish(force: true);
    }

    /// <summary>Counts the transfers among <paramref name="results"/> that the agent committed; with <paramref name="unstage"/> (a batch) they replace what <see cref="Staged"/> counted for it, in one step.</summary>
    public void Committed(IEnumerable<Protocol.OpResult> results, string? unstage = null)
    {
        long files = 0, bytes = 0;
        foreach (var r in results)
        {
            if (r.Status == Protocol.OpStatus.Ok)
            {
                files++;
                bytes += r.State.Size;
            }
        }
        bool done;
        lock (_lock)
        {
            if (unstage is not null && _staged.Remove(unstage, out var staged))
            {
                (files, bytes) = (files - staged.Files, bytes - staged.Bytes);
            }
            if ((files == 0 && bytes == 0) || _current is not { Finished: false } run)
            {
                return;
            }
            _current = run with { FilesDone = run.FilesDone + files, BytesDone = run.BytesDone + bytes, Updated = clock.GetUtcNow() };
            done = _current.FilesDone >= _current.Files;
        }
        Publish(force: done);
    }

    /// <summary>The figures at the start of a batch, for <see cref="Settle"/>.</summary>
    public (long Files, long Bytes) Mark()
    {
        lock (_lock)
        {
            return _current is { } run ? (run.FilesDone, run.BytesDone) : (0, 0);
        }
    }

    /// <summary>
    /// A batch of <paramref name="files"/> planned with <paramref name="bytes"/> is over: what it did
    /// not commit leaves the totals, and the bytes planned become the bytes committed (a file may have
    /// grown or shrunk since it was planned), so a run whose transfers all went through ends at 100 %.
    /// </summary>
    public void Settle((long Files, long Bytes) mark, long files, long bytes)
    {
        lock (_lock)
        {
            if (_current is not { Finished: false } run)
            {
                return;
            }
            var (doneFiles, doneBytes) = (run.FilesDone - mark.Files, run.BytesDone - mark.Bytes);
            _current = run with { Files = run.Files - files + doneFiles, Bytes = Math.Max(0, run.Bytes - bytes + doneBytes), Updated = clock.GetUtcNow() };
        }
        Publish(force: true);
    }

    /// <summary>The pair stopped working: the run is over (kept, finished, until the next plan).</summary>
    public void Finish()
    {
        lock (_lock)
        {
            if (_current is not { Finished: false } run)
            {
                return;
            }
            _current = run with { Finished = true, Updated = clock.GetUtcNow() };
        }
        Publish(force: true);
    }

    /// <summary>
    /// Files staged but not committed yet, counted as done until their commit is counted instead:
    /// a folder placed whole commits all its files at once, after rsync, and its share of rsync's
    /// progress keeps the bar moving meanwhile. Zero takes them out again. Each batch (by its name)
    /// has its own count: one batch may stage while the one before it commits.
    /// </summary>
    public void Staged(string batch, long files, long bytes)
    {
        lock (_lock)
        {
            var before = _staged.GetValueOrDefault(batch);
            if (files == 0 && bytes == 0)
            {
                _staged.Remove(batch);
            }
            else
            {
                _staged[batch] = (files, bytes);
            }
            if (_current is not { Finished: false } run)
            {
                _staged.Clear();
                return;
            }
            _current = run with { FilesDone = run.FilesDone - before.Files + files, BytesDone = run.BytesDone - before.Bytes + bytes, Updated = clock.GetUtcNow() };
        }
        Publish(force: files == 0);
    }

    private void Publish(bool force)
    {
        lock (_lock)
        {
            if (!force && clock.GetElapsedTime(_lastPublish) < MinInterval)
            {
                return;
            }
            _lastPublish = clock.GetTimestamp();
        }
        changed();
    }
}
