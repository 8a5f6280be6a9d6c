using Microsoft.AspNetCore.Http.HttpResults;
using Psync.Engine.Sync;
using Psync.Web.Api;
using Psync.Web.Auth;
using Psync.Web.Pairs;

namespace Psync.Web.Conflicts;

public static class ConflictEndpoints
{
    /// <summary>The workbench's routes under <c>/pairs/{id}/conflicts</c>.</summary>
    public static RouteGroupBuilder MapConflictEndpoints(this RouteGroupBuilder api)
    {
        var conflicts = api.MapGroup("/pairs/{id:int}/conflicts").WithTags("Conflicts");
        conflicts.MapGet("/{cid:long}/preview", async Task<Results<Ok<ConflictPreviewResource>, ProblemHttpResult>> (int id, long cid, PairService s, ConflictWorkbench w, CancellationToken ct) =>
            {
                if (await s.FindAsync(id, ct) is null)
                {
                    return Problems.NotFound($"there is no pair {id}");
                }
                return await w.PreviewAsync(id, cid, ct) is { } preview ? TypedResults.Ok(preview) : Problems.NotFound($"pair {id} has no conflict {cid}");
            })
            .RequiresRole(Role.Viewer).WithName("PreviewConflict")
            .WithSummary("Both versions of a conflict: size, modification time, mode, owner, which is newer, and a line diff of texts (up to 256 KiB a side), images as data: URLs, or a hex dump of the first bytes");
        conflicts.MapPost("/resolve", async Task<Results<Ok<IReadOnlyList<BulkResolveResult>>, ProblemHttpResult>> (int id, BulkResolveRequest request, PairService s, ConflictWorkbench w, CancellationToken ct) =>
            {
                if (!Enum.TryParse<ConflictResolution>(request.Resolution, ignoreCase: true, out var resolution) || !Enum.IsDefined(resolution) || int.TryParse(request.Resolution, out _))
                {
                    return Problems.BadRequest("resolution is keepLeft, keepRight or keepBoth");
                }
                if (request.Ids is not { Count: > 0 and <= ConflictWorkbench.MaxBulk } ids)
                {
                    return Problems.BadRequest($"ids lists 1 to {ConflictWorkbench.MaxBulk} conflict ids");
                }
                if (ids.Where(c => ConflictResource.FromApiId(c).PairId != id).ToList() is [var other, ..])
                {
                    return Problems.BadRequest($"{other} is not a conflict of pair {id}");
                }
                if (await s.FindAsync(id, ct) is null)
                {
                    return Problems.NotFound($"there is no pair {id}");
                }
                return TypedResults.Ok(await w.ResolveManyAsync(id, ids, resolution, ct));
            })
            .RequiresRole(Role.Operator).WithName("ResolveConflicts")
            .WithSummary("Settles several conflicts of the pair the same way (keepLeft, keepRight or keepBoth); answers per conflict whether it was resolved, and why not");
        return api;
    }
}
