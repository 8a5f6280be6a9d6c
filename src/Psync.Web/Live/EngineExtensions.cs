using Psync.Web.Hosts;
using Psync.Web.Pairs;

namespace Psync.Web.Live;

public static class EngineExtensions
{
    /// <summary>The engine as a background service, the pairs and hosts services, and live updates to pages and the hub.</summary>
    public static IServiceCollection AddPsyncEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.SectionName)
            .Validate(o => o.ReconcileInterval > TimeSpan.Zero, "Engine:ReconcileInterval must be positive").ValidateOnStart();
        RootGuard.AddRootGuard(services);
        services.AddSingleton<KeyVault>();
        services.AddSingleton<LiveUpdates>();
        services.AddSingleton<HistoryWriter>();
        services.AddSingleton<PairRunners>();
        services.AddSingleton<PairService>();
        services.AddSingleton<Conflicts.ConflictWorkbench>();
        services.AddSingleton<InspectService>();
        services.AddSingleton<RecentChanges>();
        services.AddSingleton<PairSafety>();
        services.AddSingleton<HostService>();
        // Hosted services stop in reverse order: the engine first, then the history writer drains.
        services.AddHostedService(sp => sp.GetRequiredService<HistoryWriter>());
        services.AddHostedService<EngineService>();
        services.AddHostedService<HubRelay>();
        return services;
    }
}
