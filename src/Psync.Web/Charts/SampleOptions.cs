namespace Psync.Web.Charts;

/// <summary>How often pairs are sampled for the charts, and how long samples are kept.</summary>
public sealed class SampleOptions
{
    public const string SectionName = "Charts";

    /// <summary>How often each pair's activity is sampled.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the fine samples are kept (the hour and day charts).</summary>
    public TimeSpan FineRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long the hourly rollups are kept (conflicts and errors per day).</summary>
    public TimeSpan RollupRetention { get; set; } = TimeSpan.FromDays(30);
}
