using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Psync.Engine;
using Psync.Engine.Sync;
using Psync.Web.Api;
using Psync.Web.Auth;
using Psync.Web.Conflicts;

namespace Psync.Web.Pairs;

public static class PairEndpoints
{
    public static RouteGroupBuilder MapPairEndpoints(this RouteGroupBuilder api)
    {
        var pairs = api.MapGroup("/pairs").WithTags("Pairs");
        pairs.MapGet("/", async (PairService s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(ct)))
            .RequiresRole(Role.Viewer).WithName("ListPairs").WithSummary("Every pair with its live status");
        pairs.MapGet("/{id:int}", async Task<Results<Ok<PairResource>, ProblemHttpResult>> (int id, PairService s, CancellationToken ct) =>
                await s.GetAsync(id, ct) is { } p ? TypedResults.Ok(p) : NoPair(id))
            .RequiresRole(Role.Viewer).WithName("GetPair").WithSummary("One pair with its live status");
        pairs.MapPost("/", async Task<Results<Created<PairResource>, ValidationProblem>> (PairRequest request, PairService s, CancellationToken ct) =>
            {
                var (pair, errors) = await s.CreateAsync(request, ct);
                return pair is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created($"/api/v1/pairs/{pair.Id}", pair);
            })
            .RequiresRole(Role.Operator).WithName("CreatePair").WithSummary("Adds a pair and starts it (name, leftRoot, rightRoot; hostId for a remote pair)");
        pairs.MapPut("/{id:int}", async Task<Results<Ok<PairResource>, ValidationProblem, ProblemHttpResult>> (int id, PairRequest request, PairService s, CancellationToken ct) =>
            {
                var (pair, errors) = await s.UpdateAsync(id, request, ct);
                return pair is not null ? TypedResults.Ok(pair) : errors.Count > 0 ? TypedResults.ValidationProblem(errors) : NoPair(id);
            })
            .RequiresRole(Role.Operator).WithName("UpdatePair").WithSummary("Changes a pair; it restarts with the new settings");
        pairs.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, PairService s, CancellationToken ct) =>
                await s.DeleteAsync(id, ct) ? TypedResults.NoContent() : NoPair(id))
            .RequiresRole(Role.Operator).WithName("DeletePair").WithSummary("Stops and removes a pair; both trees stay as they are");
        pairs.MapPost("/{id:int}/pause", async Task<Results<Ok<PairResource>, ProblemHttpResult>> (int id, PairService s, CancellationToken ct) =>
                await s.PauseAsync(id, ct) is { } p ? TypedResults.Ok(p) : NoPair(id))
            .RequiresRole(Role.Operator).WithName("PausePair").WithSummary("Stops syncing until resumed (kept across restarts)");
        pairs.MapPost("/{id:int}/resume", async Task<Results<Ok<PairResource>, ProblemHttpResult>> (int id, bool? confirmDeletes, PairService s, CancellationToken ct) =>
                await s.ResumeAsync(id, confirmDeletes ?? false, ct) is { } p ? TypedResults.Ok(p) : NoPair(id))
            .RequiresRole(Role.Operator).WithName("ResumePair").WithSummary("Resumes a paused pair (it reconciles first); confirmDeletes=true lets a plan the delete guard held go ahead");
        pairs.MapPost("/{id:int}/resync", async Task<Results<Accepted<PairResource>, ProblemHttpResult>> (int id, PairService s, CancellationToken ct) =>
                await s.ResyncAsync(id, ct) is { } p ? TypedResults.Accepted($"/api/v1/pairs/{id}", p) : NoPair(id))
            .RequiresRole(Role.Operator).WithName("ResyncPair").WithSummary("Scans both trees and merges them with the index now");
        pairs.MapPost("/{id:int}/flush", async Task<Results<Ok<PairResource>, ProblemHttpResult>> (int id, int? timeoutSeconds, PairService s, CancellationToken ct) =>
            {
                if (timeoutSeconds is < 1 or > PairService.MaxFlushSeconds)
                {
                    return Problems.BadRequest($"timeoutSeconds is 1 to {PairService.MaxFlushSeconds}");
                }
                return await s.FlushAsync(id, TimeSpan.FromSeconds(timeoutSeconds ?? 300), ct) is { } p ? TypedResults.Ok(p) : NoPair(id);
            })
            .RequiresRole(Role.Operator).WithName("FlushPair").WithSummary("Reconciles now and answers once the pair is idle after it (409 when paused, not running or outside its sync window; 503 when not idle within timeoutSeconds, default 300: try again)");
        pairs.MapPost("/{id:int}/verify", async Task<Results<Ok<VerifyResult>, ProblemHttpResult>> (int id, PairService s, CancellationToken ct) =>
                await s.VerifyAsync(id, ct) is { } result ? TypedResults.Ok(result) : NoPair(id))
            .RequiresRole(Role.Operator).WithName("VerifyPair").WithSummary("Compares both trees (content, mode, mtime, symlinks) and lists what differs");
        pairs.MapGet("/{id:int}/queue", async Task<Results<Ok<IReadOnlyList<QueueItemResource>>, ProblemHttpResult>> (int id, PairService s, CancellationToken ct) =>
                await s.FindAsync(id, ct) is null ? NoPair(id) : TypedResults.Ok(s.QueueOf(id)))
            .RequiresRole(Role.Viewer).WithName("GetQueue").WithSummary("Operations pending and running");
        pairs.MapGet("/{id:int}/events", async Task<Results<Ok<IReadOnlyList<EventResource>>, ProblemHttpResult>> (
                int id, long? since, long? before, int? limit, string? side, string? kind, string? path, PairService s, CancellationToken ct) =>
            {
                if (limit is < 1 or > PairService.MaxEventPage)
                {
                    return Problems.BadRequest($"limit is 1 to {PairService.MaxEventPage}");
                }
                if (side is not (null or "left" or "right" or "none"))
                {
                    return Problems.BadRequest("side is left, right or none");
                }
                if (!string.IsNullOrEmpty(kind) && !EventKinds.TryParse(kind, out _))
                {
                    return Problems.BadRequest($"kind is one of {string.Join(", ", EventKinds.All.Select(k => k.Name()))}");
                }
                return await s.FindAsync(id, ct) is null ? NoPair(id) : TypedResults.Ok(await s.EventsAsync(id, new EventQuery(since, before, limit ?? 100, side, kind, path), ct));
            })
            .RequiresRole(Role.Viewer).WithName("GetEvents").WithSummary("History: events after the id 'since' (oldest first), or the newest 'limit' before 'before'; filter by side, kind, path");
        pairs.MapGet("/{id:int}/conflicts", async Task<Results<Ok<IReadOnlyList<ConflictResource>>, ProblemHttpResult>> (int id, PairService s, CancellationToken ct) =>
                await s.FindAsync(id, ct) is null ? NoPair(id) : TypedResults.Ok(await s.ConflictsAsync(id, ct)))
            .RequiresRole(Role.Viewer).WithName("GetConflicts").WithSummary("The pair's conflicts, open and resolved");
        pairs.MapGet("/{id:int}/trash", async Task<Results<Ok<IReadOnlyList<TrashResource>>, ProblemHttpResult>> (int id, string? side, PairService s, CancellationToken ct) =>
            {
                if (!TryParseSide(side, out var which))
                {
                    return Problems.BadRequest("side is left or right");
                }
                return await s.TrashAsync(id, which, ct) is { } trash ? TypedResults.Ok(trash) : NoPair(id);
            })
            .RequiresRole(Role.Viewer).WithName("GetTrash").WithSummary("Deleted and replaced versions kept in one side's .psync/trash/, newest first");
        pairs.MapPost("/{id:int}/trash/restore", async Task<Results<Ok<RestoreResource>, ProblemHttpResult>> (int id, RestoreRequest request, PairService s, CancellationToken ct) =>
            {
                if (!TryParseSide(request.Side, out var which) || string.IsNullOrEmpty(request.Id))
                {
                    return Problems.BadRequest("side (left or right) and id (from GET /pairs/{id}/trash) are required");
                }
                return await s.RestoreAsync(id, which, request.Id, ct) is { } r ? TypedResults.Ok(r) : NoPair(id);
            })
            .RequiresRole(Role.Operator).WithName("RestoreFromTrash").WithSummary("Puts a trash entry back at its path (beside it when the path is taken); it then syncs to the other side");

        api.MapPost("/conflicts/{id:long}/resolve", async Task<Results<Ok<ConflictResource>, ProblemHttpResult>> (long id, ResolveRequest request, PairService s, CancellationToken ct) =>
            {
                if (!TryParse(request.Resolution, out var resolution))
                {
                    return Problems.BadRequest("resolution is keepLeft, keepRight or keepBoth");
                }
                return await s.ResolveAsync(id, resolution, ct) is { } c ? TypedResults.Ok(c) : Problems.NotFound($"there is no conflict {id}");
            })
            .WithTags("Conflicts").RequiresRole(Role.Operator).WithName("ResolveConflict").WithSummary("Settles a conflict: keepLeft, keepRight or keepBoth");
        api.MapConflictEndpoints();
        return api;
    }

    /// <summary>The OpenAPI schema lists the modes a pair's <c>mode</c> takes (a string, so that an unknown one is a 400 in the engine's words).</summary>
    public static Task AddModeValues(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonPropertyInfo is { Name: "mode" } property && (property.DeclaringType == typeof(PairRequest) || property.DeclaringType == typeof(PairResource)))
        {
            schema.Enum = [.. SyncModes.All.Select(m => (JsonNode)m.Name())];
            schema.Description = string.Join(" ", SyncModes.All.Select(m => $"{m.Name()}: {m.Describe()}"));
        }
        if (context.JsonPropertyInfo is { Name: "conflicts" } policy && (policy.DeclaringType == typeof(PairRequest) || policy.DeclaringType == typeof(PairResource)))
        {
            schema.Enum = [.. ConflictPolicies.All.Select(m => (JsonNode)m.Name())];
            schema.Description = string.Join(" ", ConflictPolicies.All.Select(m => $"{m.Name()}: {m.Describe()}"));
        }
        return Task.CompletedTask;
    }

    private static ProblemHttpResult NoPair(int id) => Problems.NotFound($"there is no pair {id}");

    private static bool TryParseSide(string? text, out Side side)
    {
        side = text == "right" ? Side.Right : Side.Left;
        return text is "left" or "right";
    }

    private static bool TryParse(string? text, out ConflictResolution resolution)
    {
        resolution = default;
        return text is not null && Enum.TryParse(text, ignoreCase: true, out resolution) && Enum.IsDefined(resolution);
    }
}
