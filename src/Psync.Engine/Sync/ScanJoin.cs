using Psync.Engine.Index;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>One path of a <see cref="ScanJoin"/>: what each side's scan listed and what the index knows (null where nothing).</summary>
internal readonly record struct JoinedPath(string Path, ScanEntry? Left, ScanEntry? Right, IndexEntry? Known);

/// <summary>
/// The one merge-join of the codebase: both sides' scans, streamed in <see cref="PathOrder"/>,
/// and optionally the index in the same order, walked together one path at a time, so no tree is
/// held in memory. The reconcile joins three ways (with the index); the check and Verify join the
/// two scans. Both scans advance at once, so both agents work at the same time.
/// </summary>
/// <remarks>The caller owns (and disposes) the enumerators.</remarks>
internal sealed class ScanJoin
{
    private readonly IAsyncEnumerator<ScanEntry> _left;
    private readonly IAsyncEnumerator<ScanEntry> _right;
    private readonly IEnumerator<IndexEntry>? _known;
    private ScanEntry? _l;
    private ScanEntry? _r;
    private IndexEntry? _i;

    private ScanJoin(IAsyncEnumerator<ScanEntry> left, IAsyncEnumerator<ScanEntry> right, IEnumerator<IndexEntry>? known)
    {
        _left = left;
        _right = right;
        _known = known;
    }

    /// <summary>Starts the join: reads the first entry of each.</summary>
    public static async Task<ScanJoin> StartAsync(IAsyncEnumerator<ScanEntry> left, IAsyncEnumerator<ScanEntry> right, IEnumerator<IndexEntry>? known = null)
    {
        var join = new ScanJoin(left, right, known);
        await join.AdvanceAsync(left: true, right: true).ConfigureAwait(false);
        join._i = join.NextKnown();
        return join;
    }

    /// <summary>True once the side's scan has ended (its summary is filled then).</summary>
    public bool Ended(Side side) => (side == Side.Left ? _l : _r) is null;

    /// <summary>The next path, in order, with what each source holds for it; null at the end of all three. The sources have moved past it when it returns.</summary>
    public async ValueTask<JoinedPath?> NextAsync()
    {
        if (_l is null && _r is null && _i is null)
        {
            return null;
        }
        var path = Min(_l?.Path, _r?.Path, _i?.Path);
        var row = new JoinedPath(path, _l?.Path == path ? _l : null, _r?.Path == path ? _r : null, _i?.Path == path ? _i : null);
        await AdvanceAsync(row.Left is not null, row.Right is not null).ConfigureAwait(false);
        if (row.Known is not null)
        {
            _i = NextKnown();
        }
        return row;
    }

    /// <summary>Reads both scans to their end without joining (a page that stops early still needs each scan's summary).</summary>
    public async Task ReadToEndAsync()
    {
        while (_l is not null || _r is not null)
        {
            await AdvanceAsync(_l is not null, _r is not null).ConfigureAwait(false);
        }
    }

    /// <summary>Moves the scans asked for at once; both moves have ended before an error of either is thrown (an enumerator must not be disposed mid-move).</summary>
    private async Task AdvanceAsync(bool left, bool right)
    {
        var leftNext = left ? _left.MoveNextAsync().AsTask() : null;
        var rightNext = right ? _right.MoveNextAsync().AsTask() : null;
        await ((Task)Task.WhenAll(new[] { leftNext, rightNext }.OfType<Task<bool>>())).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (leftNext is not null)
        {
            _l = await leftNext.ConfigureAwait(false) ? _left.Current : null;
        }
        if (rightNext is not null)
        {
            _r = await rightNext.ConfigureAwait(false) ? _right.Current : null;
        }
    }

    private IndexEntry? NextKnown() => _known is not null && _known.MoveNext() ? _known.Current : null;

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
}
