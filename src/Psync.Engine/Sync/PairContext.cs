using Psync.Engine.Agents;
using Psync.Engine.Index;
using Psync.Engine.Transfer;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>What one running session of a pair works with: both agents, both roots, the index, the change set.</summary>
internal sealed class PairContext(
    PairOptions options,
    AgentConnection left,
    AgentConnection right,
    RsyncEndpoint leftEndpoint,
    RsyncEndpoint rightEndpoint,
    StateIndex index,
    ChangeSet changes,
    PairJournal journal,
    TimeProvider clock)
{
    public PairOptions Options { get; } = options;

    public StateIndex Index { get; } = index;

    public ChangeSet Changes { get; } = changes;

    public PairJournal Journal { get; } = journal;

    public TimeProvider Clock { get; } = clock;

    /// <summary>Set when something needs a full reconcile (a delete refused because the directory is not empty, an overflow).</summary>
    public bool ReconcileRequested { get; set; }

    /// <summary>Subtrees to reconcile before the next plan (directories renamed: no event describes what is in them).</summary>
    public SortedSet<string> SubtreesToReconcile { get; } = new(PathOrder.Instance);

    public AgentConnection Agent(Side side) => side == Side.Left ? left : right;

    public string Root(Side side) => side == Side.Left ? Options.LeftRoot : Options.RightRoot;

    /// <summary>The side's tree as rsync reaches it.</summary>
    public RsyncEndpoint Endpoint(Side side) => side == Side.Left ? leftEndpoint : rightEndpoint;
}
