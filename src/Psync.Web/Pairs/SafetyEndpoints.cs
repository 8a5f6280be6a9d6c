using Microsoft.AspNetCore.Http.HttpResults;
using Psync.Engine.Sync;
using Psync.Web.Api;
using Psync.Web.Auth;

namespace Psync.Web.Pairs;

/// <summary>The routes of <see cref="PairSafety"/>: held deletes, and the trash grouped by deletion.</summary>
public static class SafetyEndpoints
{
    public static RouteGroupBuilder MapPairSafetyEndpoints(this RouteGroupBuilder api)
    {
        var pairs = api.MapGroup("/pairs").WithTags("Pairs");
        pairs.MapGet("/{id:int}/held-deletes", async Task<Results<Ok<IReadOnlyList<HeldDeleteResource>>, ProblemHttpResult>> (int id, PairSafety s, CancellationToken ct) =>
                await s.HeldDeletesAsync(id, ct) is { } held ? TypedResults.Ok(held) : NoPair(id))
            .RequiresRole(Role.Viewer).WithName("GetHeldDeletes").WithSummary("The deletes the delete guard holds (empty when it holds none), each with the side that lost the path");
        pairs.MapPost("/{id:int}/held-deletes/restore", async Task<Results<Ok<PairResource>, ProblemHttpResult>> (int id, PairSafety s, CancellationToken ct) =>
                await s.RestoreHeldAsync(id, ct) is { } pair ? TypedResults.Ok(pair) : NoPair(id))
            .RequiresRole(Role.Operator).WithName("RestoreHeldDeletes").WithSummary("Undoes the held deletes: each path is copied back from the side that still has it, and the pair goes on (409 when nothing is held)");
        pairs.MapGet("/{id:int}/trash/groups", async Task<Results<Ok<IReadOnlyList<TrashGroupResource>>, ProblemHttpResult>> (int id, string? side, string? search, PairSafety s, CancellationToken ct) =>
            {
                if (!TryParseSide(side, out var which))
                {
                    return Problems.BadRequest("side is left or right");
                }
                if (search is { Length: > 4096 })
                {
                    return Problems.BadRequest("search is at most 4096 characters");
                }
                return await s.TrashGroupsAsync(id, which, search, ct) is { } groups ? TypedResults.Ok(groups) : NoPair(id);
            })
            .RequiresRole(Role.Viewer).WithName("GetTrashGroups").WithSummary("One side's trash grouped by deletion (a deleted folder is one group), newest first; search keeps groups with a path containing it");
        pairs.MapPost("/{id:int}/trash/groups/restore", async Task<Results<Ok<RestoreManyResource>, ProblemHttpResult>> (int id, RestoreManyRequest request, PairSafety s, CancellationToken ct) =>
            {
                if (!TryParseSide(request.Side, out var which))
                {
                    return Problems.BadRequest("side is left or right");
                }
                if (string.IsNullOrEmpty(request.Id) == (request.Ids is not { Count: > 0 }))
                {
                    return Problems.BadRequest("give either id (a group's, from GET /pairs/{id}/trash/groups) or ids (trash entries' ids), not both");
                }
                if (request.Ids is { Count: > PairSafety.MaxRestore } || request.Ids?.Any(string.IsNullOrEmpty) == true)
                {
                    return Problems.BadRequest($"ids holds 1 to {PairSafety.MaxRestore} non-empty trash ids");
                }
                var result = request.Ids is { } ids ? await s.RestoreManyAsync(id, which, ids, ct) : await s.RestoreGroupAsync(id, which, request.Id!, ct);
                return result is not null ? TypedResults.Ok(result) : NoPair(id);
            })
            .RequiresRole(Role.Operator).WithName("RestoreTrashGroup").WithSummary("Restores a whole group (id) or a selection of entries (ids) from one side's trash; each then syncs to the other side");
        return api;
    }

    private static ProblemHttpResult NoPair(int id) => Problems.NotFound($"there is no pair {id}");

    private static bool TryParseSide(string? text, out Side side)
    {
        side = text == "right" ? Side.Right : Side.Left;
        return text is "left" or "right";
    }
}
