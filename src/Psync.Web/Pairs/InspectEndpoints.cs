using Microsoft.AspNetCore.Http.HttpResults;
using Psync.Web.Api;
using Psync.Web.Auth;

namespace Psync.Web.Pairs;

/// <summary>The operator's view of a pair's paths: out-of-sync items (and a retry), the path inspector and the tree browser.</summary>
public static class InspectEndpoints
{
    public static RouteGroupBuilder MapInspectEndpoints(this RouteGroupBuilder api)
    {
        var pairs = api.MapGroup("/pairs").WithTags("Pairs");
        pairs.MapGet("/{id:int}/out-of-sync", async Task<Results<Ok<IReadOnlyList<OutOfSyncResource>>, ProblemHttpResult>> (int id, InspectService s, CancellationToken ct) =>
                await s.OutOfSyncAsync(id, ct) is { } items ? TypedResults.Ok(items) : NoPair(id))
            .RequiresRole(Role.Viewer).WithName("GetOutOfSync").WithSummary("Every path the pair knows has not converged, with its reason (error, unreadable, specialFile, nameTooLong, conflict) and the last error text");
        pairs.MapPost("/{id:int}/out-of-sync/retry", async Task<Results<Ok<RetryResource>, ProblemHttpResult>> (int id, RetryRequest? request, InspectService s, CancellationToken ct) =>
                await s.RetryAsync(id, request?.Path, ct) is { } r ? TypedResults.Ok(r) : NoPair(id))
            .RequiresRole(Role.Operator).WithName("RetryOutOfSync").WithSummary("Tries one path (body {\"path\": …}) or, with no body, every out-of-sync path again now: its retry backoff ends and it is reconciled");
        pairs.MapGet("/{id:int}/inspect", async Task<Results<Ok<InspectResource>, ProblemHttpResult>> (int id, string? path, InspectService s, CancellationToken ct) =>
                string.IsNullOrEmpty(path) ? Problems.BadRequest("path is required: a path relative to the pair's roots")
                    : await s.InspectAsync(id, path, ct) is { } i ? TypedResults.Ok(i) : NoPair(id))
            .RequiresRole(Role.Viewer).WithName("InspectPath").WithSummary("What the pair knows of one path: each side's state (read by its agent), the index row, the exclude or tempfile pattern that matches, why it is out of sync, its latest events");
        pairs.MapGet("/{id:int}/browse", async Task<Results<Ok<BrowseResource>, ProblemHttpResult>> (int id, string? path, InspectService s, CancellationToken ct) =>
                await s.BrowseAsync(id, path, ct) is { } b ? TypedResults.Ok(b) : NoPair(id))
            .RequiresRole(Role.Viewer).WithName("BrowsePath").WithSummary("The children of one directory (path; omitted: the root) on both sides, one level");
        return api;
    }

    private static ProblemHttpResult NoPair(int id) => Problems.NotFound($"there is no pair {id}");
}
