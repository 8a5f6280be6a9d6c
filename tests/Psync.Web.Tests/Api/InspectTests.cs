using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Psync.Web.Audit;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

/// <summary>Out-of-sync items, their retry, the path inspector and the tree browser through the API, on real agents and rsync.</summary>
public sealed class InspectTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private HttpClient Client => app.Client;

    [Fact]
    public async Task Inspect_ExcludedPath_NamesThePatternAndEachSidesState()
    {
        var (left, right) = (app.NewFolder("ex-l"), app.NewFolder("ex-r"));
        await File.WriteAllTextAsync(Path.Combine(left, "notes.tmp"), "scratch");
        await File.WriteAllTextAsync(Path.Combine(left, "kept.txt"), "kept");
        using var created = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "excluding", leftRoot = left, rightRoot = right, excludes = new[] { @"\.tmp$" } });
        var pair = await created.ReadAsync<PairResource>(HttpStatusCode.Created);
        await Client.WaitForStateAsync(pair.Id, "idle");
        await PairsApi.WaitForFileAsync(Path.Combine(right, "kept.txt"), "kept");
        // The file is on the right once its commit renames it into place; its event is stored after that, off the engine's thread.
        await Client.WaitForEventAsync(pair.Id, "transfer", "kept.txt");

        using var excluded = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/inspect?path=notes.tmp");
        using var synced = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/inspect?path=kept.txt");

        var e = await excluded.ReadAsync<InspectResource>(HttpStatusCode.OK);
        Assert.Equal(new FilterResource(@"\.tmp$", "exclude", "notes.tmp"), e.Filter);
        Assert.Equal(("file", 7L, "absent"), (e.Left!.Kind, e.Left.Size, e.Right!.Kind));
        Assert.Null(e.Index);
        var s = await synced.ReadAsync<InspectResource>(HttpStatusCode.OK);
        Assert.Null(s.Filter);
        Assert.Equal(("file", "file", 4L), (s.Left!.Kind, s.Right!.Kind, s.Index?.Left.Size));
        Assert.Equal(File.GetLastWriteTimeUtc(Path.Combine(left, "kept.txt")), s.Left.Modified!.Value.UtcDateTime);
        Assert.Matches("^0[0-7]{3}$", s.Left.Mode);
        Assert.Contains(s.Events, ev => ev.Kind == "transfer" && ev.Path == "kept.txt");
    }

    [Fact]
    public async Task InspectAndBrowse_PathNotInsideTheRoots_400Problem()
    {
        var pair = await Client.CreateIdlePairAsync("bad-paths", app.NewFolder("bad-l"), app.NewFolder("bad-r"));
        (string Route, string Path)[] requests =
        [
            ("inspect", "../x"), ("inspect", "/etc/passwd"), ("inspect", "a//b"), ("inspect", "a/./b"), ("inspect", "bad%5Cq"), ("inspect", ""),
            ("browse", "../"), ("browse", "sub/../.."), ("browse", "/"),
        ];

        foreach (var (route, path) in requests)
        {
            using var response = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/{route}?path={path}");

            var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
            Assert.False(string.IsNullOrEmpty(problem.Detail), $"{route} {path}: no detail");
        }
    }

    [Fact]
    public async Task Inspect_UnknownPair_404Problem()
    {
        using var response = await Client.GetAsync("/api/v1/pairs/9999/inspect?path=a");

        await Problem.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Browse_OneLevelOfBothSides()
    {
        var (left, right) = (app.NewFolder("br-l"), app.NewFolder("br-r"));
        Directory.CreateDirectory(Path.Combine(left, "docs", "deep"));
        await File.WriteAllTextAsync(Path.Combine(left, "docs", "deep", "x.md"), "x");
        await File.WriteAllTextAsync(Path.Combine(left, "top.txt"), "t");
        var pair = await Client.CreateIdlePairAsync("browsing", left, right);
        await PairsApi.WaitForFileAsync(Path.Combine(right, "docs", "deep", "x.md"), "x");

        using var root = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/browse");
        using var docs = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/browse?path=docs");

        var r = await root.ReadAsync<BrowseResource>(HttpStatusCode.OK);
        Assert.Equal(["docs", "top.txt"], r.Entries.Select(e => e.Path));
        Assert.True(r.Entries[0].IsDirectory);
        var d = await docs.ReadAsync<BrowseResource>(HttpStatusCode.OK);
        Assert.Equal([new BrowseEntryResource("docs/deep", "deep", "directory", "directory")], d.Entries);
    }

    [Fact]
    public async Task OutOfSync_SpecialFile_ListedRetriedAuditedAndGoneOnceDeleted()
    {
        var (left, right) = (app.NewFolder("oos-l"), app.NewFolder("oos-r"));
        var pair = await Client.CreateIdlePairAsync("out-of-sync", left, right);
        var fifo = Path.Combine(left, "pipe");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var item = await Eventually.ValueAsync(async () => (await Client.GetFromJsonAsync<List<OutOfSyncResource>>($"/api/v1/pairs/{pair.Id}/out-of-sync"))!.FirstOrDefault(),
            PairsApi.Deadline, "the FIFO listed as out of sync");
        Assert.Equal(("pipe", "specialFile", "devices, FIFOs and sockets are not synced"), (item.Path, item.Reason, item.Detail));

        using var retry = await Client.PostAsJsonAsync($"/api/v1/pairs/{pair.Id}/out-of-sync/retry", new RetryRequest("pipe"));
        Assert.Equal(1, (await retry.ReadAsync<RetryResource>(HttpStatusCode.OK)).Retried);
        using var all = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/out-of-sync/retry", null);
        Assert.Equal(1, (await all.ReadAsync<RetryResource>(HttpStatusCode.OK)).Retried);
        var audit = await Client.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=out-of-sync-retried&limit=10");
        Assert.Contains(audit!.Items, a => a.Target == $"pair {pair.Id} (out-of-sync)" && a.Detail == "pipe" && a.User == "admin");

        File.Delete(fifo);
        await Eventually.WaitAsync(async () => (await Client.GetFromJsonAsync<List<OutOfSyncResource>>($"/api/v1/pairs/{pair.Id}/out-of-sync"))!.Count == 0,
            PairsApi.Deadline, "the FIFO gone from the list");
    }

    [Fact]
    public async Task Retry_MalformedPathOrPausedPair_ProblemAndNothingAudited()
    {
        var pair = await Client.CreateIdlePairAsync("retry-refused", app.NewFolder("rr-l"), app.NewFolder("rr-r"));

        using var malformed = await Client.PostAsJsonAsync($"/api/v1/pairs/{pair.Id}/out-of-sync/retry", new RetryRequest("../etc"));
        await Problem.AssertAsync(malformed, HttpStatusCode.BadRequest);
        using var pause = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        using var paused = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/out-of-sync/retry", null);
        await Problem.AssertAsync(paused, HttpStatusCode.Conflict);

        var audit = await Client.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=out-of-sync-retried&limit=100");
        Assert.DoesNotContain(audit!.Items, a => a.Target == $"pair {pair.Id} (retry-refused)");
    }
}
