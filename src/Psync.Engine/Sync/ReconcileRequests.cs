using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// What the next pass of the session must reconcile instead of trusting events: the whole tree
/// (at start, on resume, after an agent's queue overflowed, a delete refused because the directory
/// filled, a resolution that found the path changed) or subtrees (a directory renamed or restored:
/// no event describes what is in it). Parts of the executor ask; only the session takes, before
/// its next plan.
/// </summary>
internal sealed class ReconcileRequests
{
    private readonly SortedSet<string> _subtrees = new(PathOrder.Instance);

    /// <summary>Why the whole tree is to be reconciled, or null when it is not.</summary>
    public string? Whole { get; private set; }

    /// <summary>True when any subtree waits.</summary>
    public bool HasSubtrees => _subtrees.Count > 0;

    /// <summary>Asks for the whole tree; the first reason given is kept for the event log.</summary>
    public void RequestWhole(string reason) => Whole ??= reason;

    /// <summary>Asks for the subtree at <paramref name="path"/> (a directory or a file).</summary>
    public void RequestSubtree(string path) => _subtrees.Add(path);

    /// <summary>Takes the request for the whole tree; subtrees are covered by it and dropped.</summary>
    public string? TakeWhole()
    {
        var reason = Whole;
        Whole = null;
        _subtrees.Clear();
        return reason;
    }

    /// <summary>Takes the subtrees asked for, the topmost of each nest only (an ancestor covers what is below it).</summary>
    public List<string> TakeSubtrees()
    {
        var tops = new List<string>();
        foreach (var subtree in _subtrees)
        {
            // In PathOrder an ancestor comes first.
            if (tops.Count == 0 || !PathOrder.IsSameOrBelow(subtree, tops[^1]))
            {
                tops.Add(subtree);
            }
        }
        _subtrees.Clear();
        return tops;
    }
}
