using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Psync.Web.Data;

namespace Psync.Web.Audit;

/// <summary>One thing a person (or the appliance itself, as <c>system</c>) did.</summary>
public sealed class AuditEntity
{
    public long Id { get; set; }
    public DateTimeOffset Time { get; set; }
    /// <summary>The signed-in user; for a failed sign-in, the name that was tried.</summary>
    public required string User { get; set; }
    /// <summary>The client's IP address; empty when the action had no request (the appliance itself).</summary>
    public required string Address { get; set; }
    /// <summary>An <see cref="AuditAction"/> by its name.</summary>
    public required string Action { get; set; }
    /// <summary>What it was done to, e.g. <c>pair 3 (docs)</c>.</summary>
    public required string Target { get; set; }
    public required string Detail { get; set; }
}

internal sealed class AuditConfiguration : IEntityTypeConfiguration<AuditEntity>
{
    public void Configure(EntityTypeBuilder<AuditEntity> b)
    {
        b.ToTable("Audit");
        b.HasIndex(a => a.Time);
        b.Property(a => a.Time).HasConversion(TimeConversion.Ticks);
        b.Property(a => a.User).HasMaxLength(100);
        b.Property(a => a.Address).HasMaxLength(64);
        b.Property(a => a.Action).HasMaxLength(40);
    }
}
