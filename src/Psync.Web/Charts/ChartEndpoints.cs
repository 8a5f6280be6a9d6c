using Microsoft.AspNetCore.Http.HttpResults;
using Psync.Engine.Sync;
using Psync.Web.Api;
using Psync.Web.Auth;
using Psync.Web.Pairs;

namespace Psync.Web.Charts;

public static class ChartEndpoints
{
    public static IServiceCollection AddPsyncCharts(this IServiceCollection services)
    {
        services.AddOptions<SampleOptions>().BindConfiguration(SampleOptions.SectionName)
            .Validate(o => o.SampleInterval >= TimeSpan.FromSeconds(1) && o.FineRetention > TimeSpan.Zero && o.RollupRetention >= TimeSpan.FromDays(1),
                "Charts:SampleInterval must be at least 1 s, the retentions positive (rollups at least a day)")
            .ValidateOnStart();
        services.AddSingleton<Sampler>();
        services.AddHostedService(sp => sp.GetRequiredService<Sampler>());
        services.AddSingleton<SeriesService>();
        return services;
    }

    public static RouteGroupBuilder MapChartEndpoints(this RouteGroupBuilder api)
    {
        var pairs = api.MapGroup("/pairs").WithTags("Pairs");
        pairs.MapGet("/{id:int}/totals", async Task<Results<Ok<PairTotals>, ProblemHttpResult>> (int id, PairService s, CancellationToken ct) =>
                await s.GetAsync(id, ct) is not { } pair ? NoPair(id)
                : pair.Status.Totals is { } totals ? TypedResults.Ok(totals)
                : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The operation cannot be done now", detail: $"pair {id} has no totals yet: it has not started; try again once it runs"))
            .RequiresRole(Role.Viewer).WithName("GetPairTotals")
            .WithSummary("Files, directories, symlinks and bytes of each tree, as the pair's state index knows them (no rescan)");
        pairs.MapGet("/{id:int}/series", async Task<Results<Ok<SeriesResource>, ProblemHttpResult>> (int id, string? range, PairService s, SeriesService series, CancellationToken ct) =>
            {
                range ??= "hour";
                if (!SeriesService.Ranges.Contains(range))
                {
                    return Problems.BadRequest($"range must be one of: {string.Join(", ", SeriesService.Ranges)}");
                }
                return await s.FindAsync(id, ct) is null ? NoPair(id) : TypedResults.Ok(await series.SeriesAsync(id, range, ct));
            })
            .RequiresRole(Role.Viewer).WithName("GetPairSeries")
            .WithSummary("Throughput and queue length over the last hour or day (range=hour|day), and conflicts and errors per day");
        return api;
    }

    private static ProblemHttpResult NoPair(int id) => Problems.NotFound($"there is no pair {id}");
}
