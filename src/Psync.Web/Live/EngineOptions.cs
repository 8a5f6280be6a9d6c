namespace Psync.Web.Live;

public sealed class EngineOptions
{
    public const string SectionName = "Engine";

    /// <summary>psync-agent to run on both sides; null finds it (PSYNC_AGENT, then next to the program). A remote pair needs the NativeAOT build.</summary>
    public string? AgentPath { get; set; }

    /// <summary>How often both trees of every pair are scanned and merged, whatever the events said.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long history events are kept.</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(30);
}
