using Microsoft.AspNetCore.Http.HttpResults;
using Psync.Web.Api;
using Psync.Web.Auth;

namespace Psync.Web.Audit;

public sealed record AuditResource(long Id, DateTimeOffset Time, string User, string Address, string Action, string Target, string Detail)
{
    public static AuditResource From(AuditEntity a) => new(a.Id, a.Time, a.User, a.Address, a.Action, a.Target, a.Detail);
}

/// <summary>Items: Newest first. NextBefore: Pass as <c>before</c> for the next (older) page; null when this is the last.</summary>
public sealed record AuditPage(IReadOnlyList<AuditResource> Items, long? NextBefore);

public static class AuditEndpoints
{
    /// <summary>The audit log: who did what is for the appliance's administrators.</summary>
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", async Task<Results<Ok<AuditPage>, ProblemHttpResult>> (
                DateTimeOffset? from, DateTimeOffset? to, string? user, string? action, long? before, int? limit, AuditLog audit, CancellationToken ct) =>
            {
                if (limit is < 1 or > AuditLog.MaxPage)
                {
                    return Problems.BadRequest($"limit is 1 to {AuditLog.MaxPage}");
                }
                if (!string.IsNullOrEmpty(action) && !AuditActions.TryParse(action, out _))
                {
                    return Problems.BadRequest($"action is one of {string.Join(", ", AuditActions.All.Select(a => a.Name()))}");
                }
                if (from > to)
                {
                    return Problems.BadRequest("from is after to");
                }
                var page = limit ?? 100;
                var items = await audit.QueryAsync(new AuditQuery(from, to, user, action, before, page), ct);
                return TypedResults.Ok(new AuditPage([.. items.Select(AuditResource.From)], items.Count == page ? items[^1].Id : null));
            })
            .WithTags("Audit").WithName("GetAudit").RequiresRole(Role.Admin)
            .WithSummary("Who did what and when, newest first: filter by from/to (times), user and action; page with before (the previous page's nextBefore) and limit (1 to 500, default 100)");
        return api;
    }
}
