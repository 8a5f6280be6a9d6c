using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Psync.Web.Data;

namespace Psync.Web.Alerts;

/// <summary>How a channel delivers.</summary>
public enum ChannelKind
{
    /// <summary>HTTP POST of a JSON body, signed with the channel's secret (<c>X-Psync-Signature</c>).</summary>
    Webhook,

    /// <summary>SMTP (MailKit), STARTTLS by default.</summary>
    Email,

    /// <summary>An ntfy-style push: HTTP POST of a text body with Title and Priority headers.</summary>
    Ntfy,
}

/// <summary>How an email channel secures its SMTP connection.</summary>
public enum SmtpSecurity
{
    StartTls,
    Tls,
    None,
}

/// <summary>Where alerts go.</summary>
public sealed class AlertChannelEntity
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public ChannelKind Kind { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Webhook or ntfy: the URL to POST to.</summary>
    public string? Url { get; set; }
    /// <summary>The webhook's signing secret, the SMTP password, or the ntfy access token; encrypted with Data Protection.</summary>
    public string? ProtectedSecret { get; set; }
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public SmtpSecurity SmtpSecurity { get; set; }
    public string? SmtpUser { get; set; }
    public string? From { get; set; }
    public List<string> To { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>When to alert: a condition held for <see cref="Minutes"/> on one pair or on any.</summary>
public sealed class AlertRuleEntity
{
    public int Id { get; set; }
    public AlertCondition Condition { get; set; }
    /// <summary>The pair it watches; null for every pair.</summary>
    public int? PairId { get; set; }
    /// <summary>How long the condition must hold before it is alerted (0: at once).</summary>
    public double Minutes { get; set; }
    /// <summary>The channels it alerts; empty for every enabled channel.</summary>
    public List<int> ChannelIds { get; set; } = [];
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
}

public enum DeliveryStatus
{
    Pending,
    Sent,
    Failed,
}

/// <summary>One alert to one channel, and how its delivery went.</summary>
public sealed class AlertDeliveryEntity
{
    public long Id { get; set; }
    public int ChannelId { get; set; }
    public int? RuleId { get; set; }
    public int? PairId { get; set; }
    /// <summary>raised, cleared or test.</summary>
    public required string Event { get; set; }
    /// <summary>An <see cref="AlertCondition"/> by its name; empty for a test.</summary>
    public required string Condition { get; set; }
    public required string Title { get; set; }
    public required string Message { get; set; }
    /// <summary>The webhook body, exactly as signed and sent.</summary>
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class AlertChannelConfiguration : IEntityTypeConfiguration<AlertChannelEntity>
{
    public void Configure(EntityTypeBuilder<AlertChannelEntity> b)
    {
        b.ToTable("AlertChannels");
        b.HasIndex(c => c.Name).IsUnique();
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.SmtpSecurity).HasConversion<string>().HasMaxLength(20);
        b.PrimitiveCollection(c => c.To);
    }
}

internal sealed class AlertRuleConfiguration : IEntityTypeConfiguration<AlertRuleEntity>
{
    public void Configure(EntityTypeBuilder<AlertRuleEntity> b)
    {
        b.ToTable("AlertRules");
        b.Property(r => r.Condition).HasConversion<string>().HasMaxLength(40);
        b.PrimitiveCollection(r => r.ChannelIds);
    }
}

internal sealed class AlertDeliveryConfiguration : IEntityTypeConfiguration<AlertDeliveryEntity>
{
    public void Configure(EntityTypeBuilder<AlertDeliveryEntity> b)
    {
        b.ToTable("AlertDeliveries");
        b.HasIndex(d => d.CreatedAt);
        b.Property(d => d.CreatedAt).HasConversion(TimeConversion.Ticks);
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
    }
}
