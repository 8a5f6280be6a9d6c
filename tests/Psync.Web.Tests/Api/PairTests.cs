using System.Net;
using System.Net.Http.Json;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

public sealed class PairTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private HttpClient Client => app.Client;

    [Fact]
    public async Task Pair_CreateGetListUpdateDelete_RoundTrips()
    {
        var left = app.NewFolder("crud-left");
        var right = app.NewFolder("crud-right");

        using var created = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "crud", leftRoot = left, rightRoot = right, excludes = new[] { @"\.bak$" } });
        var pair = await created.ReadAsync<PairResource>(HttpStatusCode.Created);
        Assert.True(pair.Id > 0);
        Assert.Equal($"/api/v1/pairs/{pair.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("crud", left, right, false), (pair.Name, pair.LeftRoot, pair.RightRoot, pair.Paused));
        Assert.Equal([@"\.bak$"], pair.Excludes);

        var got = await Client.GetPairAsync(pair.Id);
        Assert.Equal((pair.Id, "crud", left, right), (got.Id, got.Name, got.LeftRoot, got.RightRoot));

        var list = await Client.GetFromJsonAsync<List<PairResource>>("/api/v1/pairs");
        Assert.Contains(list!, p => p.Id == pair.Id && p.Name == "crud");

        using var updated = await Client.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new { name = "crud-renamed", leftRoot = left, rightRoot = right, holdMilliseconds = 500 });
        var changed = await updated.ReadAsync<PairResource>(HttpStatusCode.OK);
        Assert.Equal(("crud-renamed", 500, 0), (changed.Name, changed.HoldMilliseconds, changed.Excludes.Count));
        Assert.Equal("crud-renamed", (await Client.GetPairAsync(pair.Id)).Name);

        var state = Path.Combine(app.DataDir, "pairs", pair.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Client.WaitForStateAsync(pair.Id, "idle");
        Assert.True(File.Exists(Path.Combine(state, "index.db")), $"no state index in {state}");

        using var deleted = await Client.DeleteAsync($"/api/v1/pairs/{pair.Id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(Directory.Exists(state), $"{state} is left behind");
        using var gone = await Client.GetAsync($"/api/v1/pairs/{pair.Id}");
        await Problem.AssertAsync(gone, HttpStatusCode.NotFound);
        Assert.DoesNotContain((await Client.GetFromJsonAsync<List<PairResource>>("/api/v1/pairs"))!, p => p.Id == pair.Id);
    }

    [Fact]
    public async Task Pair_CreateWithMode_KeepsItAndTwoWayIsTheDefault()
    {
        using var mirror = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "mode-mirror", leftRoot = app.NewFolder("mode-left"), rightRoot = app.NewFolder("mode-right"), mode = "mirror" });
        var pair = await mirror.ReadAsync<PairResource>(HttpStatusCode.Created);
        using var plain = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "mode-default", leftRoot = app.NewFolder("mode-default-left"), rightRoot = app.NewFolder("mode-default-right") });

        Assert.Equal("mirror", pair.Mode);
        Assert.Equal("mirror", (await Client.GetPairAsync(pair.Id)).Mode);
        Assert.Equal("two-way", (await plain.ReadAsync<PairResource>(HttpStatusCode.Created)).Mode);
        using var updated = await Client.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new { name = pair.Name, leftRoot = pair.LeftRoot, rightRoot = pair.RightRoot, mode = "one-way-safe" });
        Assert.Equal("one-way-safe", (await updated.ReadAsync<PairResource>(HttpStatusCode.OK)).Mode);
    }

    [Fact]
    public async Task Pair_XattrsAclsAndDurability_KeptAndDurableIsTheDefault()
    {
        using var created = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "fidelity", leftRoot = app.NewFolder("fidelity-left"), rightRoot = app.NewFolder("fidelity-right"), xattrs = true, acls = true, durable = false });
        var pair = await created.ReadAsync<PairResource>(HttpStatusCode.Created);
        using var plain = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "fidelity-default", leftRoot = app.NewFolder("fidelity-default-left"), rightRoot = app.NewFolder("fidelity-default-right") });

        Assert.Equal((true, true, false), (pair.Xattrs, pair.Acls, pair.Durable));
        var again = await Client.GetPairAsync(pair.Id);
        Assert.Equal((true, true, false), (again.Xattrs, again.Acls, again.Durable));
        var defaults = await plain.ReadAsync<PairResource>(HttpStatusCode.Created);
        Assert.Equal((false, false, true), (defaults.Xattrs, defaults.Acls, defaults.Durable));
    }

    [Fact]
    public async Task FileCreatedOnLeft_AppearsOnRightAndInHistory()
    {
        var left = app.NewFolder("history-left");
        var right = app.NewFolder("history-right");
        var pair = await Client.CreateIdlePairAsync("history", left, right);

        await File.WriteAllTextAsync(Path.Combine(left, "first.txt"), "one");
        await PairsApi.WaitForFileAsync(Path.Combine(right, "first.txt"), "one");
        var first = await Client.WaitForEventAsync(pair.Id, "transfer", "first.txt");
        Assert.Equal(("right", pair.Id), (first.Side, first.PairId));
        var seen = (await Client.EventsAsync(pair.Id)).Max(e => e.Id);

        await File.WriteAllTextAsync(Path.Combine(left, "second.txt"), "two");
        await PairsApi.WaitForFileAsync(Path.Combine(right, "second.txt"), "two");
        var second = await Client.WaitForEventAsync(pair.Id, "transfer", "second.txt");

        var newer = await Client.EventsAsync(pair.Id, $"?since={seen}");
        Assert.NotEmpty(newer);
        Assert.All(newer, e => Assert.True(e.Id > seen, $"event {e.Id} ({e.Kind} {e.Path}) is not after {seen}"));
        Assert.Contains(newer, e => e.Id == second.Id);
        Assert.DoesNotContain(newer, e => e.Path == "first.txt");
        Assert.Equal(newer.Select(e => e.Id).Order(), newer.Select(e => e.Id));
        var rightSide = await Client.EventsAsync(pair.Id, "?side=right&kind=transfer");
        Assert.Equal(["first.txt", "second.txt"], rightSide.Select(e => e.Path).Order(StringComparer.Ordinal));
        var newest = Assert.Single(await Client.EventsAsync(pair.Id, "?limit=1"));
        Assert.True(newest.Id >= newer[^1].Id, $"limit=1 gave {newest.Id}, not the newest"); // more may have been stored meanwhile
    }

    [Fact]
    public async Task Events_KindFilter_EveryEngineKindAcceptedAndAnUnknownOneRefused()
    {
        var pair = await Client.CreateIdlePairAsync("kind-filter", app.NewFolder("kind-filter-left"), app.NewFolder("kind-filter-right"));

        foreach (var kind in Psync.Engine.Sync.EventKinds.All)
        {
            var name = Psync.Engine.Sync.EventKinds.Name(kind);
            Assert.All(await Client.EventsAsync(pair.Id, $"?kind={name}"), e => Assert.Equal(name, e.Kind));
        }
        using var unknown = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/events?kind=deleet");
        var problem = await Problem.AssertAsync(unknown, System.Net.HttpStatusCode.BadRequest);
        Assert.Contains("warning", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_RunningPair_200List()
    {
        var pair = await Client.CreateIdlePairAsync("queue", app.NewFolder("queue-left"), app.NewFolder("queue-right"));

        using var response = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/queue");

        var queue = await response.ReadAsync<List<QueueItemResource>>(HttpStatusCode.OK);
        Assert.Empty(queue); // idle
    }

    [Fact]
    public async Task Pause_FileWrittenMeanwhile_NotSyncedUntilResumed()
    {
        var left = app.NewFolder("paused-left");
        var right = app.NewFolder("paused-right");
        var pair = await Client.CreateIdlePairAsync("paused", left, right);
        var controlLeft = app.NewFolder("control-left");
        var controlRight = app.NewFolder("control-right");
        var control = await Client.CreateIdlePairAsync("control", controlLeft, controlRight);
        await File.WriteAllTextAsync(Path.Combine(left, "before.txt"), "synced");
        await PairsApi.WaitForFileAsync(Path.Combine(right, "before.txt"), "synced");
        await Client.WaitForStateAsync(pair.Id, "idle");

        using var paused = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/pause", null);
        var pausedPair = await paused.ReadAsync<PairResource>(HttpStatusCode.OK);
        Assert.Equal(("paused", true), (pausedPair.Status.State, pausedPair.Paused));

        // The same write on a running pair is the positive control: once it arrived and its
        // pair is idle again, the paused pair would have synced its file too.
        await Task.WhenAll(
            File.WriteAllTextAsync(Path.Combine(left, "held.txt"), "while paused"),
            File.WriteAllTextAsync(Path.Combine(controlLeft, "held.txt"), "while paused"));
        await PairsApi.WaitForFileAsync(Path.Combine(controlRight, "held.txt"), "while paused");
        await Client.WaitForEventAsync(control.Id, "transfer", "held.txt");
        await Client.WaitForStateAsync(control.Id, "idle");

        Assert.False(File.Exists(Path.Combine(right, "held.txt")), "the paused pair synced held.txt");
        Assert.Equal("paused", (await Client.GetPairAsync(pair.Id)).Status.State);
        using var verifyPaused = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/verify", null);
        var differ = await verifyPaused.ReadAsync<VerifyResult>(HttpStatusCode.OK);
        Assert.False(differ.Identical);
        var difference = Assert.Single(differ.Differences);
        Assert.Equal("held.txt", difference.Path);
        Assert.Equal((2, 1), (differ.LeftCount, differ.RightCount));

        using var resumed = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/resume", null);
        Assert.False((await resumed.ReadAsync<PairResource>(HttpStatusCode.OK)).Paused);
        await PairsApi.WaitForFileAsync(Path.Combine(right, "held.txt"), "while paused");
        await Client.WaitForStateAsync(pair.Id, "idle");

        using var verifySynced = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/verify", null);
        var same = await verifySynced.ReadAsync<VerifyResult>(HttpStatusCode.OK);
        Assert.True(same.Identical, string.Join("; ", same.Differences.Select(d => $"{d.Path}: {d.Detail}")));
        Assert.Empty(same.Differences);
        Assert.Equal((2, 2), (same.LeftCount, same.RightCount));
    }

    [Fact]
    public async Task Resync_RunningPair_202AndReconciles()
    {
        var pair = await Client.CreateIdlePairAsync("resync", app.NewFolder("resync-left"), app.NewFolder("resync-right"));
        var reconciles = pair.Status.Counters.Reconciles;

        using var response = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/resync", null);

        Assert.Equal(pair.Id, (await response.ReadAsync<PairResource>(HttpStatusCode.Accepted)).Id);
        Assert.Equal($"/api/v1/pairs/{pair.Id}", response.Headers.Location?.OriginalString);
        PairResource? last = null;
        await Eventually.WaitAsync(async () => (last = await Client.GetPairAsync(pair.Id)).Status.Counters.Reconciles > reconciles, PairsApi.Deadline,
            "the resync to reconcile", () => $"reconciles {last?.Status.Counters.Reconciles}, state {last?.Status.State}");
    }

    [Fact]
    public async Task Resume_RunningPair_LeavesItRunning()
    {
        var pair = await Client.CreateIdlePairAsync("resume-running", app.NewFolder("resume-running-left"), app.NewFolder("resume-running-right"));

        using var response = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/resume", null);

        var after = await response.ReadAsync<PairResource>(HttpStatusCode.OK);
        // Not restarted: the same session, so the same start time of its state and no second reconcile.
        Assert.Equal(("idle", pair.Status.Counters.Reconciles), (after.Status.State, after.Status.Counters.Reconciles));
    }

    [Fact]
    public async Task Resync_PausedPair_409Problem()
    {
        var pair = await Client.CreateIdlePairAsync("resync-paused", app.NewFolder("resync-paused-left"), app.NewFolder("resync-paused-right"));
        using var pause = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);

        using var response = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/resync", null);

        await Problem.AssertAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task UpdatePair_NewRightRoot_SyncsIntoItWithoutDeletingOnTheLeft()
    {
        var left = app.NewFolder("moved-left");
        var right = app.NewFolder("moved-right");
        using var created = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "moved", leftRoot = left, rightRoot = right, maxDeleteShare = 1.0 });
        var pair = await created.ReadAsync<PairResource>(HttpStatusCode.Created);
        await Client.WaitForStateAsync(pair.Id, "idle");
        await File.WriteAllTextAsync(Path.Combine(left, "kept.txt"), "precious");
        await PairsApi.WaitForFileAsync(Path.Combine(right, "kept.txt"), "precious");
        await Client.WaitForStateAsync(pair.Id, "idle");
        var newRight = app.NewFolder("moved-right-2");

        // A new, empty right folder (another disk, say): the old index must not read as "deleted on the right".
        using var updated = await Client.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new { name = "moved", leftRoot = left, rightRoot = newRight, maxDeleteShare = 1.0 });

        Assert.Equal(newRight, (await updated.ReadAsync<PairResource>(HttpStatusCode.OK)).RightRoot);
        await PairsApi.WaitForFileAsync(Path.Combine(newRight, "kept.txt"), "precious");
        await Client.WaitForStateAsync(pair.Id, "idle");
        Assert.Equal("precious", await File.ReadAllTextAsync(Path.Combine(left, "kept.txt")));
        Assert.DoesNotContain(await Client.EventsAsync(pair.Id, "?kind=delete"), e => e.Path == "kept.txt");
    }
}
