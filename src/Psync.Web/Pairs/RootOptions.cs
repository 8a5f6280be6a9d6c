using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Engine;
using Psync.Web.Data;
using Psync.Web.Live;

namespace Psync.Web.Pairs;

/// <summary>Where pair roots may be, as the machine's owner sets it (section <c>Roots</c>); the allowed parents are an admin's setting (<see cref="RootGuard"/>).</summary>
public sealed class RootOptions
{
    public const string SectionName = "Roots";

    /// <summary>Lets roots lie in system trees (/etc, /usr, /var/lib, …); / and the appliance's own folders stay refused.</summary>
    public bool AllowSystemTrees { get; set; }
}

/// <summary>
/// The appliance's <see cref="RootPolicy"/>: the engine's rule with this appliance's own folders (data,
/// program, agent) and the allowed parents an admin set (stored in the database; none: anywhere
/// outside the refused trees), for every role.
/// </summary>
public sealed class RootGuard(IDbContextFactory<PsyncDb> dbs, DataFolder data, IOptions<RootOptions> options, IOptions<EngineOptions> engine)
{
    private const string AllowedParentsKey = "Roots.AllowedParents";

    private readonly IReadOnlyList<ProtectedFolder> _folders = OwnFolders(data, engine.Value.AgentPath ?? Environment.GetEnvironmentVariable("PSYNC_AGENT"));

    public async Task<RootPolicy> PolicyAsync(CancellationToken ct = default) =>
        new(_folders, await AllowedParentsAsync(ct), refuseSystemTrees: !options.Value.AllowSystemTrees);

    public async Task<IReadOnlyList<string>> AllowedParentsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var stored = await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.Key == AllowedParentsKey, ct);
        return stored is null ? [] : JsonSerializer.Deserialize<List<string>>(stored.Value) ?? [];
    }

    /// <summary>Sets the allowed parents (absolute paths; empty lifts the limit). Pairs already there are checked again when they start.</summary>
    /// <exception cref="ArgumentException">A parent is not an absolute path.</exception>
    public async Task SetAllowedParentsAsync(IReadOnlyList<string> parents, CancellationToken ct = default)
    {
        List<string> clean = [.. parents.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal)];
        if (clean.FirstOrDefault(p => !p.StartsWith('/') || p.Contains('\0', StringComparison.Ordinal) || p.Split('/').Contains("..") || p.Length > 4096) is { } bad)
        {
            throw new ArgumentException($"an allowed parent is an absolute path without '..': not '{bad}'", nameof(parents));
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var stored = await db.Settings.SingleOrDefaultAsync(s => s.Key == AllowedParentsKey, ct);
        if (stored is null)
        {
            db.Settings.Add(stored = new SettingEntity { Key = AllowedParentsKey, Value = "" });
        }
        stored.Value = JsonSerializer.Serialize(clean);
        await db.SaveChangesAsync(ct);
    }

    private static List<ProtectedFolder> OwnFolders(DataFolder data, string? agent)
    {
        List<ProtectedFolder> folders =
        [
            new("the appliance's data folder", data.Path),
            new("the appliance's program folder", AppContext.BaseDirectory),
        ];
        if (!string.IsNullOrEmpty(agent) && Path.IsPathRooted(agent))
        {
            folders.Add(new("the agent's folder", Directory.Exists(agent) ? agent : Path.GetDirectoryName(agent)!));
        }
        if (Environment.ProcessPath is { } process)
        {
            folders.Add(new("the folder of the program running the appliance", Path.GetDirectoryName(process)!));
        }
        return folders;
    }

    public static IServiceCollection AddRootGuard(IServiceCollection services)
    {
        services.AddOptions<RootOptions>().BindConfiguration(RootOptions.SectionName);
        services.AddSingleton<RootGuard>();
        return services;
    }
}
