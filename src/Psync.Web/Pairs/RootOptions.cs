using Microsoft.Extensions.Options;
using Psync.Engine;
using Psync.Web.Data;
using Psync.Web.Live;

namespace Psync.Web.Pairs;

/// <summary>Where pair roots may be (section <c>Roots</c>); the rule itself is the engine's <see cref="RootPolicy"/>.</summary>
public sealed class RootOptions
{
    public const string SectionName = "Roots";

    /// <summary>Folders every root (on this appliance) must lie inside, for every role; empty: anywhere outside the refused trees.</summary>
    public List<string> AllowedParents { get; set; } = [];

    /// <summary>Lets roots lie in system trees (/etc, /usr, /var/lib, …); / and the appliance's own folders stay refused.</summary>
    public bool AllowSystemTrees { get; set; }

    public static IServiceCollection AddRootPolicy(IServiceCollection services)
    {
        services.AddOptions<RootOptions>().BindConfiguration(SectionName)
            .Validate(o => o.AllowedParents.All(p => p.StartsWith('/')), "Roots:AllowedParents are absolute paths").ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var roots = sp.GetRequiredService<IOptions<RootOptions>>().Value;
            var agent = sp.GetRequiredService<IOptions<EngineOptions>>().Value.AgentPath ?? Environment.GetEnvironmentVariable("PSYNC_AGENT");
            List<ProtectedFolder> folders =
            [
                new("the appliance's data folder", sp.GetRequiredService<DataFolder>().Path),
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
            return new RootPolicy(folders, roots.AllowedParents, refuseSystemTrees: !roots.AllowSystemTrees);
        });
        return services;
    }
}
