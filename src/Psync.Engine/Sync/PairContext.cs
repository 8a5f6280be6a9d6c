using Psync.Engine.Agents;
using Psync.Engine.Index;
using Psync.Engine.Transfer;

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

    /// <summary>The pair's bandwidth over the day (validated before the session starts).</summary>
    public BandwidthSchedule Bandwidth { get; } = BandwidthSchedule.Create(options.BandwidthLimit, options.BandwidthWindows);

    /// <summary>The <c>--bwlimit</c> (KiB/s, 0 none) of the current plan's rsync batches: the session sets it from <see cref="Bandwidth"/> as it plans, so a batch in flight keeps its rate.</summary>
    public int TransferLimit { get; set; }

    /// <summary>What the session is asked to reconcile before its next plan.</summary>
    public ReconcileRequests Reconcile { get; } = new();

    public AgentConnection Agent(Side side) => side == Side.Left ? left : right;

    public string Root(Side side) => side == Side.Left ? Options.LeftRoot : Options.RightRoot;

    /// <summary>The side's tree as rsync reaches it.</summary>
    public RsyncEndpoint Endpoint(Side side) => side == Side.Left ? leftEndpoint : rightEndpoint;
}
