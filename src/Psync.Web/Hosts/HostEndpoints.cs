using Microsoft.AspNetCore.Http.HttpResults;
using Psync.Web.Api;
using Psync.Web.Auth;

namespace Psync.Web.Hosts;

public sealed record DeployResult(IReadOnlyList<string> Steps, string Result);

public static class HostEndpoints
{
    public static RouteGroupBuilder MapHostEndpoints(this RouteGroupBuilder api)
    {
        var hosts = api.MapGroup("/hosts").WithTags("Hosts");
        hosts.MapGet("/", async (HostService s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(ct)))
            .RequiresRole(Role.Viewer).WithName("ListHosts").WithSummary("Every right host");
        hosts.MapGet("/{id:int}", async Task<Results<Ok<HostResource>, ProblemHttpResult>> (int id, HostService s, CancellationToken ct) =>
                await s.GetAsync(id, ct) is { } h ? TypedResults.Ok(h) : NoHost(id))
            .RequiresRole(Role.Viewer).WithName("GetHost").WithSummary("One host");
        hosts.MapPost("/", async Task<Results<Created<HostResource>, ValidationProblem>> (HostRequest request, HostService s, CancellationToken ct) =>
            {
                var (host, errors) = await s.SaveAsync(null, request, ct);
                return host is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created($"/api/v1/hosts/{host.Id}", host);
            })
            .RequiresRole(Role.Admin).WithName("CreateHost").WithSummary("Adds a host with a pasted or generated SSH key (stored encrypted)");
        hosts.MapPut("/{id:int}", async Task<Results<Ok<HostResource>, ValidationProblem, ProblemHttpResult>> (int id, HostRequest request, HostService s, CancellationToken ct) =>
            {
                var (host, errors) = await s.SaveAsync(id, request, ct);
                return host is not null ? TypedResults.Ok(host) : errors.Count > 0 ? TypedResults.ValidationProblem(errors) : NoHost(id);
            })
            .RequiresRole(Role.Admin).WithName("UpdateHost").WithSummary("Changes a host; a new address or port needs its key trusted again");
        hosts.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, HostService s, CancellationToken ct) =>
                await s.DeleteAsync(id, ct) ? TypedResults.NoContent() : NoHost(id))
            .RequiresRole(Role.Admin).WithName("DeleteHost").WithSummary("Removes a host no pair uses");
        hosts.MapPost("/{id:int}/test", async Task<Results<Ok<HostTestResult>, ProblemHttpResult>> (int id, HostService s, CancellationToken ct) =>
                await s.TestAsync(id, ct) is { } r ? TypedResults.Ok(r) : NoHost(id))
            .RequiresRole(Role.Admin).WithName("TestHost").WithSummary("Connects and logs in; an unknown host key comes back with its fingerprint to confirm");
        hosts.MapPost("/{id:int}/trust", async Task<Results<Ok<HostTestResult>, ProblemHttpResult>> (int id, TrustRequest request, HostService s, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(request.Fingerprint))
                {
                    return Problems.BadRequest("fingerprint is required: the SHA256:… value that test showed and you checked on the host");
                }
                return await s.TrustAsync(id, request.Fingerprint, ct) is { } r ? TypedResults.Ok(r) : NoHost(id);
            })
            .RequiresRole(Role.Admin).WithName("TrustHost").WithSummary("Pins the host key with the fingerprint a person confirmed");
        hosts.MapPost("/{id:int}/deploy", async Task<Ok<DeployResult>> (int id, HostService s, CancellationToken ct) =>
            {
                var steps = new List<string>();
                var result = await s.DeployAsync(id, new SyncProgress(steps.Add), ct);
                return TypedResults.Ok(new DeployResult(steps, result));
            })
            .RequiresRole(Role.Admin).WithName("DeployAgent").WithSummary("Installs the agent on the host (kept when this exact version is there)");
        return api;
    }

    private static ProblemHttpResult NoHost(int id) => Problems.NotFound($"there is no host {id}");
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
public sealed class SyncProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}
