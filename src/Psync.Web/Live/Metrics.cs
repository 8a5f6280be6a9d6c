using System.Globalization;
using System.Text;
using Psync.Web.Auth;
using Psync.Web.Pairs;

namespace Psync.Web.Live;

/// <summary><c>/metrics</c> in the Prometheus text format: per pair state, queue, conflicts and counters.</summary>
public static class Metrics
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (PairService pairs, CancellationToken ct) =>
                TypedResults.Text(Render(await pairs.ListAsync(ct)), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Metrics").RequiresRole(Role.Viewer).WithName("Metrics").WithSummary("Prometheus metrics");
        return app;
    }

    public static string Render(IReadOnlyList<PairResource> pairs)
    {
        var text = new StringBuilder();
        void Family(string name, string type, string help, Func<PairResource, double> value)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP psync_{name} {help}\n# TYPE psync_{name} {type}\n");
            foreach (var p in pairs)
            {
                text.Append(CultureInfo.InvariantCulture, $"psync_{name}{{pair=\"{Escape(p.Name)}\"}} {value(p)}\n");
            }
        }
        text.Append(CultureInfo.InvariantCulture, $"# HELP psync_pairs Configured pairs.\n# TYPE psync_pairs gauge\npsync_pairs {pairs.Count}\n");
        Family("pair_up", "gauge", "1 when the pair is idle, syncing, or waiting for its sync window.", p => p.Status.State is "idle" or "syncing" or "reconciling" or "waiting" ? 1 : 0);
        Family("queue_length", "gauge", "Operations pending or running.", p => p.Status.QueueLength);
        Family("open_conflicts", "gauge", "Conflicts not yet resolved.", p => p.Status.OpenConflicts);
        Family("throughput_bytes_per_second", "gauge", "File data sent over the last second.", p => p.Status.BytesPerSecond);
        Family("files_transferred_total", "counter", "Files sent since the pair started.", p => p.Status.Counters.FilesTransferred);
        Family("bytes_transferred_total", "counter", "File data sent since the pair started.", p => p.Status.Counters.BytesTransferred);
        Family("rsync_runs_total", "counter", "rsync processes run.", p => p.Status.Counters.RsyncRuns);
        Family("deletes_total", "counter", "Deletes applied.", p => p.Status.Counters.Deletes);
        Family("moves_total", "counter", "Moves applied as renames.", p => p.Status.Counters.Moves);
        Family("conflicts_total", "counter", "Conflicts found.", p => p.Status.Counters.Conflicts);
        Family("errors_total", "counter", "Errors.", p => p.Status.Counters.Errors);
        Family("reconciles_total", "counter", "Reconciles run.", p => p.Status.Counters.Reconciles);
        return text.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
