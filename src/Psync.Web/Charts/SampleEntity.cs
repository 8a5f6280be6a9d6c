using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Psync.Web.Data;

namespace Psync.Web.Charts;

/// <summary>
/// One pair's activity over one interval, for the charts: a fine row every
/// <see cref="SampleOptions.SampleInterval"/> (kept <see cref="SampleOptions.FineRetention"/>) and an
/// hourly rollup (kept <see cref="SampleOptions.RollupRetention"/>), so the table stays bounded.
/// </summary>
public sealed class SampleEntity
{
    public long Id { get; set; }
    public int PairId { get; set; }
    /// <summary>Where the interval starts (UTC).</summary>
    public DateTimeOffset Start { get; set; }
    /// <summary>The interval's length: the sample interval, or 3600 for an hourly rollup.</summary>
    public int Seconds { get; set; }
    /// <summary>File data sent in the interval.</summary>
    public long Bytes { get; set; }
    /// <summary>Files sent in the interval.</summary>
    public long Files { get; set; }
    /// <summary>Operations pending or running at the sample (the largest, for a rollup).</summary>
    public int Queue { get; set; }
    /// <summary>Conflicts found in the interval.</summary>
    public long Conflicts { get; set; }
    /// <summary>Errors in the interval.</summary>
    public long Errors { get; set; }
}

internal sealed class SampleConfiguration : IEntityTypeConfiguration<SampleEntity>
{
    public void Configure(EntityTypeBuilder<SampleEntity> b)
    {
        b.ToTable("Samples");
        b.HasIndex(s => new { s.PairId, s.Seconds, s.Start });
        b.Property(s => s.Start).HasConversion(TimeConversion.Ticks);
    }
}
