using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Psync.Engine;

namespace Psync.Web.Data;

/// <summary>A right host: where a remote pair's right tree lives.</summary>
public sealed class HostEntity
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Host name or address.</summary>
    public required string Address { get; set; }
    public int Port { get; set; } = 22;
    public required string User { get; set; }
    /// <summary>The SSH private key (OpenSSH PEM), encrypted with Data Protection.</summary>
    public string? ProtectedPrivateKey { get; set; }
    /// <summary>The private key's passphrase, if it has one, encrypted with Data Protection.</summary>
    public string? ProtectedPassphrase { get; set; }
    /// <summary>The public half of the key, for the user's authorized_keys.</summary>
    public string? PublicKey { get; set; }
    /// <summary>The host key's SHA-256 fingerprint once a person confirmed it; null until then.</summary>
    public string? PinnedFingerprint { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One sync pair as configured.</summary>
public sealed class PairEntity
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string LeftRoot { get; set; }
    public required string RightRoot { get; set; }
    /// <summary>The right host; null when both roots are on the appliance.</summary>
    public int? HostId { get; set; }
    public HostEntity? Host { get; set; }
    public List<string> Excludes { get; set; } = [];
    public List<string> Tempfiles { get; set; } = [];
    public List<string> RsyncExtra { get; set; } = [];
    public bool DryRun { get; set; }
    public bool Force { get; set; }
    /// <summary>Which way the pair syncs; stored by its enum name (TwoWay, OneWaySafe, Mirror).</summary>
    public SyncMode Mode { get; set; }
    /// <summary>How a two-way pair settles a file both sides changed; stored by its enum name (Ask, Newer, Left, Right).</summary>
    public ConflictPolicy Conflicts { get; set; }
    public bool SkipInitialSync { get; set; }
    public int HoldMilliseconds { get; set; } = (int)PairOptions.DefaultDeleteHold.TotalMilliseconds;
    public int TrashDays { get; set; } = (int)PairOptions.DefaultTrashRetention.TotalDays;
    public double MaxDeleteShare { get; set; } = PairOptions.DefaultMaxDeleteShare;
    /// <summary>KiB/s for rsync; 0 is no limit.</summary>
    public int BandwidthLimit { get; set; }
    /// <summary>HH:MM-HH:MM=RATE windows (PairOptions.BandwidthWindows).</summary>
    public List<string> BandwidthWindows { get; set; } = [];
    /// <summary>Keep extended attributes (psync -X).</summary>
    public bool Xattrs { get; set; }
    /// <summary>Keep POSIX ACLs (psync -A).</summary>
    public bool Acls { get; set; }
    /// <summary>Sync to disk before commits and before the index records them (off: psync --no-fsync).</summary>
    public bool Durable { get; set; } = true;
    /// <summary>Paused by a person: not started until resumed.</summary>
    public bool Paused { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One history event of a pair, kept across restarts.</summary>
public sealed class EventEntity
{
    public long Id { get; set; }
    public int PairId { get; set; }
    public DateTimeOffset Time { get; set; }
    public required string Kind { get; set; }
    /// <summary>"left", "right" or null for pair-wide events.</summary>
    public string? Side { get; set; }
    public required string Path { get; set; }
    public required string Detail { get; set; }
    public double DurationMs { get; set; }
}

public sealed class UserEntity
{
    public int Id { get; set; }
    public required string UserName { get; set; }
    public required string PasswordHash { get; set; }
    public int FailedLogins { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Stored by its enum name (Viewer, Operator, Admin).</summary>
    public Psync.Web.Auth.Role Role { get; set; }
    /// <summary>Changes with the password and on sign-out: a browser session signed in under another stamp is over.</summary>
    public string SecurityStamp { get; set; } = "";
}

/// <summary>An API token; only its SHA-256 is stored.</summary>
public sealed class TokenEntity
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public UserEntity? User { get; set; }
    public required string Name { get; set; }
    /// <summary>Hex SHA-256 of the token.</summary>
    public required string Hash { get; set; }
    /// <summary>The first characters, so a person can tell tokens apart.</summary>
    public required string Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    /// <summary>The most it may do; it never does more than its owner's role allows now.</summary>
    public Psync.Web.Auth.Role Role { get; set; }
}

/// <summary>A setting an admin changes at run time, by key; the value is JSON.</summary>
public sealed class SettingEntity
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}

internal sealed class SettingConfiguration : IEntityTypeConfiguration<SettingEntity>
{
    public void Configure(EntityTypeBuilder<SettingEntity> b)
    {
        b.ToTable("Settings");
        b.HasKey(s => s.Key);
        b.Property(s => s.Key).HasMaxLength(100);
    }
}

internal sealed class HostConfiguration : IEntityTypeConfiguration<HostEntity>
{
    public void Configure(EntityTypeBuilder<HostEntity> b)
    {
        b.ToTable("Hosts");
        b.HasIndex(h => h.Name).IsUnique();
        b.Property(h => h.Name).HasMaxLength(100);
        b.Property(h => h.Address).HasMaxLength(255);
        b.Property(h => h.User).HasMaxLength(100);
    }
}

internal sealed class PairConfiguration : IEntityTypeConfiguration<PairEntity>
{
    public void Configure(EntityTypeBuilder<PairEntity> b)
    {
        b.ToTable("Pairs");
        b.HasIndex(p => p.Name).IsUnique();
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasOne(p => p.Host).WithMany().HasForeignKey(p => p.HostId).OnDelete(DeleteBehavior.Restrict);
        b.PrimitiveCollection(p => p.Excludes);
        b.PrimitiveCollection(p => p.Tempfiles);
        b.PrimitiveCollection(p => p.RsyncExtra);
        b.Property(p => p.Mode).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.Conflicts).HasConversion<string>().HasMaxLength(10);
        b.PrimitiveCollection(p => p.BandwidthWindows);
    }
}

internal sealed class EventConfiguration : IEntityTypeConfiguration<EventEntity>
{
    public void Configure(EntityTypeBuilder<EventEntity> b)
    {
        b.ToTable("Events");
        b.HasIndex(e => new { e.PairId, e.Id });
        b.Property(e => e.Time).HasConversion(TimeConversion.Ticks);
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<UserEntity>
{
    public void Configure(EntityTypeBuilder<UserEntity> b)
    {
        b.ToTable("Users");
        b.HasIndex(u => u.UserName).IsUnique();
        b.Property(u => u.UserName).HasMaxLength(100);
        b.Property(u => u.Role).HasConversion<string>().HasMaxLength(20);
        b.Property(u => u.SecurityStamp).HasMaxLength(64);
    }
}

internal sealed class TokenConfiguration : IEntityTypeConfiguration<TokenEntity>
{
    public void Configure(EntityTypeBuilder<TokenEntity> b)
    {
        b.ToTable("Tokens");
        b.HasIndex(t => t.Hash).IsUnique();
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(t => t.Role).HasConversion<string>().HasMaxLength(20);
    }
}

/// <summary>SQLite has no DateTimeOffset ordering; UTC ticks sort and compare.</summary>
internal static class TimeConversion
{
    public static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long> Ticks =
        new(t => t.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}
