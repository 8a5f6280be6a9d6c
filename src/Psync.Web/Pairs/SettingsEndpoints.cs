using Microsoft.AspNetCore.Http.HttpResults;
using Psync.Web.Auth;

namespace Psync.Web.Pairs;

/// <param name="AllowedParents">Folders every root on this appliance must lie inside, for every role; empty: anywhere outside the refused trees (/, system trees, the appliance's own folders).</param>
public sealed record SettingsResource(IReadOnlyList<string> AllowedParents);

/// <summary>The appliance's settings: everyone reads them, an admin changes them.</summary>
public static class SettingsEndpoints
{
    public static RouteGroupBuilder MapSettingsEndpoints(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings").WithTags("Settings");
        settings.MapGet("/", async (RootGuard roots, CancellationToken ct) => TypedResults.Ok(new SettingsResource(await roots.AllowedParentsAsync(ct))))
            .RequiresRole(Role.Viewer).WithName("GetSettings").WithSummary("The settings (where pair roots may be)");
        settings.MapPut("/", async Task<Results<Ok<SettingsResource>, ValidationProblem>> (SettingsResource request, RootGuard roots, CancellationToken ct) =>
            {
                try
                {
                    await roots.SetAllowedParentsAsync(request.AllowedParents ?? [], ct);
                    return TypedResults.Ok(new SettingsResource(await roots.AllowedParentsAsync(ct)));
                }
                catch (ArgumentException e)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["allowedParents"] = [e.Message] });
                }
            })
            .RequiresRole(Role.Admin).WithName("SetSettings").WithSummary("Changes the settings; new and edited pairs are held to them, and a pair outside them does not start (it shows why)");
        return api;
    }
}
