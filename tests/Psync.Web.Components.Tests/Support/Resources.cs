using Psync.Engine.Sync;
using Psync.Web.Pairs;

namespace Psync.Web.Components.Tests.Support;

/// <summary>Resources as the services hand them to components, with plain defaults.</summary>
public static class Resources
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static PairResource Pair(int id, string name, string state = "idle", int? hostId = null, int openConflicts = 0, string? reason = null, string mode = "two-way") => new(
        id, name, $"/srv/{name}/left", $"/srv/{name}/right", hostId, [], [], [], DryRun: false, Force: false, SkipInitialSync: false,
        HoldMilliseconds: 200, TrashDays: 30, MaxDeleteShare: 0.5, Paused: state == "paused",
        new PairStatusResource(state, reason, Now, LastSync: null, QueueLength: 0, openConflicts, BytesPerSecond: 0, new PairCounters(0, 0, 0, 0, 0, 0, 0, 0)), mode);

    public static ConflictResource Conflict(long id, string path, bool resolved = false) =>
        new(id, PairId: 1, path, path + ".psync-conflict", Loser: "right", Left: "modified", Right: "modified", Now, resolved);
}
