using Microsoft.EntityFrameworkCore;
using Psync.Web.Alerts;
using Psync.Web.Audit;

namespace Psync.Web.Data;

/// <summary>Configuration and history of the appliance.</summary>
public sealed class PsyncDb(DbContextOptions<PsyncDb> options) : DbContext(options)
{
    public DbSet<HostEntity> Hosts => Set<HostEntity>();
    public DbSet<PairEntity> Pairs => Set<PairEntity>();
    public DbSet<EventEntity> Events => Set<EventEntity>();
    public DbSet<UserEntity> Users => Set<UserEntity>();
    public DbSet<TokenEntity> Tokens => Set<TokenEntity>();
    public DbSet<SettingEntity> Settings => Set<SettingEntity>();
    public DbSet<AuditEntity> Audit => Set<AuditEntity>();
    public DbSet<AlertChannelEntity> AlertChannels => Set<AlertChannelEntity>();
    public DbSet<AlertRuleEntity> AlertRules => Set<AlertRuleEntity>();
    public DbSet<AlertDeliveryEntity> AlertDeliveries => Set<AlertDeliveryEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PsyncDb).Assembly);
}
