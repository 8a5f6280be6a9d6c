using System.Net;
using System.Net.Http.Json;
using Psync.Web.Hosts;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

/// <summary>Pair lifecycle and safety through the API: overlapping roots, what the delete guard holds, the trash by deletion, hosts in use.</summary>
public sealed class LifecycleTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private HttpClient Client => app.Client;

    [Fact]
    public async Task CreatePair_LeftRootInsideAnotherPairsLeftRoot_400NamingThatPair()
    {
        var outer = await Client.CreatePairAsync("outer", app.NewFolder("ov-outer-l"), app.NewFolder("ov-outer-r"));
        var inner = Directory.CreateDirectory(Path.Combine(outer.LeftRoot, "notes")).FullName;

        using var response = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "inner", leftRoot = inner, rightRoot = app.NewFolder("ov-inner-r") });

        var problem = await Problem.AssertValidationAsync(response, "leftRoot");
        var error = string.Join(" ", problem.Errors["leftRoot"]);
        Assert.Contains("'outer'", error, StringComparison.Ordinal);
        Assert.Contains($"lies inside the left root {outer.LeftRoot}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePair_RightRootHoldingAnotherPairsLeftRootThroughASymlink_400NamingThatPair()
    {
        var other = await Client.CreatePairAsync("held-one", app.NewFolder("ov-held/inside"), app.NewFolder("ov-held-r"));
        var link = Path.Combine(app.NewFolder("ov-links"), "innocent");
        File.CreateSymbolicLink(link, Path.GetDirectoryName(other.LeftRoot)!);

        using var response = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "around", leftRoot = app.NewFolder("ov-around-l"), rightRoot = link });

        var problem = await Problem.AssertValidationAsync(response, "rightRoot");
        Assert.Contains("holds the left root", string.Join(" ", problem.Errors["rightRoot"]), StringComparison.Ordinal);
        Assert.Contains("'held-one'", string.Join(" ", problem.Errors["rightRoot"]), StringComparison.Ordinal);
        Assert.DoesNotContain((await Client.GetFromJsonAsync<List<PairResource>>("/api/v1/pairs"))!, p => p.Name == "around");
    }

    [Fact]
    public async Task UpdatePair_SameRoots_NoOverlapWithItself()
    {
        var pair = await Client.CreatePairAsync("self", app.NewFolder("ov-self-l"), app.NewFolder("ov-self-r"));

        using var response = await Client.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new { name = "self", leftRoot = pair.LeftRoot, rightRoot = pair.RightRoot, holdMilliseconds = 300 });

        Assert.Equal(300, (await response.ReadAsync<PairResource>(HttpStatusCode.OK)).HoldMilliseconds);
    }

    [Fact]
    public async Task CreatePair_RemoteRootInsideAnotherOnTheSameSshdThroughAnotherHostEntry_400_OtherHostAccepted()
    {
        var first = await CreateKeyHostAsync("nas-a", "nas.invalid");
        var second = await CreateKeyHostAsync("nas-b", "NAS.invalid");
        var elsewhere = await CreateKeyHostAsync("other", "other.invalid");
        using var created = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "nas-data", leftRoot = app.NewFolder("ov-nas-l1"), rightRoot = "/srv/data", hostId = first.Id });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var refused = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "nas-sub", leftRoot = app.NewFolder("ov-nas-l2"), rightRoot = "/srv/data/photos/", hostId = second.Id });
        using var accepted = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "other-data", leftRoot = app.NewFolder("ov-nas-l3"), rightRoot = "/srv/data", hostId = elsewhere.Id });

        var problem = await Problem.AssertValidationAsync(refused, "rightRoot");
        Assert.Contains("'nas-data'", string.Join(" ", problem.Errors["rightRoot"]), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task DeleteHost_InUse_409NamingThePair_ListShowsItsPairsAndNotUsed()
    {
        var host = await CreateKeyHostAsync("in-use", "busy.invalid");
        var idle = await CreateKeyHostAsync("idle-host", "idle.invalid");
        using var created = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "busy-pair", leftRoot = app.NewFolder("busy-l"), rightRoot = "/srv/busy", hostId = host.Id });
        var pair = await created.ReadAsync<PairResource>(HttpStatusCode.Created);

        using var delete = await Client.DeleteAsync($"/api/v1/hosts/{host.Id}");

        var problem = await Problem.AssertAsync(delete, HttpStatusCode.Conflict);
        Assert.Contains("'busy-pair'", problem.Detail, StringComparison.Ordinal);
        var hosts = (await Client.GetFromJsonAsync<List<HostResource>>("/api/v1/hosts"))!;
        Assert.Equal([new HostPairResource(pair.Id, "busy-pair")], hosts.Single(h => h.Id == host.Id).Pairs);
        Assert.Equal(HostLinks.NotUsed, hosts.Single(h => h.Id == idle.Id).Connection!.State);
        Assert.Empty(hosts.Single(h => h.Id == idle.Id).Pairs!);
    }

    [Fact]
    public async Task HeldDeletes_GuardHolds_ListedWithTheLostSide_RestoreCopiesThemBack()
    {
        var left = app.NewFolder("held-l");
        var right = app.NewFolder("held-r");
        for (var i = 0; i < 120; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(left, $"f{i:000}"), $"file {i}");
        }
        var pair = await Client.CreateIdlePairAsync("held", left, right);
        await Eventually.WaitAsync(() => Directory.GetFiles(right).Length == 120, PairsApi.Deadline, "the first sync");
        using (var none = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/held-deletes"))
        {
            Assert.Empty(await none.ReadAsync<List<HeldDeleteResource>>(HttpStatusCode.OK));
        }

        for (var i = 0; i < 110; i++)
        {
            File.Delete(Path.Combine(left, $"f{i:000}"));
        }
        await Eventually.WaitAsync(async () => (await Client.GetPairAsync(pair.Id)).Status.AwaitsDeleteConfirmation, PairsApi.Deadline, "the delete guard");
        using var list = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/held-deletes");
        var held = await list.ReadAsync<List<HeldDeleteResource>>(HttpStatusCode.OK);
        using var restore = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/held-deletes/restore", null);

        Assert.Equal(110, held.Count);
        Assert.All(held, h => Assert.Equal(("left", "file"), (h.Lost, h.Kind)));
        Assert.Equal("f000", held[0].Path);
        Assert.False((await restore.ReadAsync<PairResource>(HttpStatusCode.OK)).Paused);
        await Eventually.WaitAsync(() => Directory.GetFiles(left).Length == 120, PairsApi.Deadline, "the held paths back on the left");
        Assert.Equal("file 7", await File.ReadAllTextAsync(Path.Combine(left, "f007")));
        Assert.Equal(120, Directory.GetFiles(right).Length);
        await Client.WaitForStateAsync(pair.Id, "idle");
        using var again = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/held-deletes/restore", null);
        await Problem.AssertAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task TrashGroups_DeletedFolder_OneGroupSearchableAndRestoredWhole()
    {
        var left = app.NewFolder("groups-l");
        var right = app.NewFolder("groups-r");
        Directory.CreateDirectory(Path.Combine(left, "album", "raw"));
        for (var i = 0; i < 20; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(left, "album", i % 4 == 0 ? "raw" : "", $"img{i:00}.jpg"), $"image {i}");
        }
        var pair = await Client.CreateIdlePairAsync("groups", left, right);
        await Eventually.WaitAsync(() => Directory.Exists(Path.Combine(right, "album", "raw")) && Directory.GetFiles(Path.Combine(right, "album"), "*", SearchOption.AllDirectories).Length == 20, PairsApi.Deadline, "the first sync");
        Directory.Delete(Path.Combine(left, "album"), recursive: true);
        await Eventually.WaitAsync(() => !Directory.Exists(Path.Combine(right, "album")), PairsApi.Deadline, "the folder's delete on the right");

        using var list = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/trash/groups?side=right");
        var group = Assert.Single(await list.ReadAsync<List<TrashGroupResource>>(HttpStatusCode.OK));
        using var found = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/trash/groups?side=right&search=IMG07");
        using var missing = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/trash/groups?side=right&search=nothing-like-it");
        using var restore = await Client.PostAsJsonAsync($"/api/v1/pairs/{pair.Id}/trash/groups/restore", new { side = "right", id = group.Id });

        Assert.Equal(("album", 20, "right"), (group.Root, group.Count, group.Side));
        Assert.Single(await found.ReadAsync<List<TrashGroupResource>>(HttpStatusCode.OK));
        Assert.Empty(await missing.ReadAsync<List<TrashGroupResource>>(HttpStatusCode.OK));
        var restored = await restore.ReadAsync<RestoreManyResource>(HttpStatusCode.OK);
        Assert.Equal(20, restored.Restored.Count);
        Assert.Empty(restored.Failed);
        foreach (var root in new[] { left, right })
        {
            await Eventually.WaitAsync(() => Directory.Exists(Path.Combine(root, "album")) && Directory.GetFiles(Path.Combine(root, "album"), "*", SearchOption.AllDirectories).Length == 20, PairsApi.Deadline, $"the folder back in {root}");
        }
        Assert.Equal("image 8", await File.ReadAllTextAsync(Path.Combine(left, "album", "raw", "img08.jpg")));
    }

    [Theory]
    [InlineData("""{"side":"up","id":"x"}""")]
    [InlineData("""{"side":"left"}""")]
    [InlineData("""{"side":"left","id":"x","ids":["y"]}""")]
    [InlineData("""{"side":"left","ids":[""]}""")]
    public async Task RestoreGroup_Malformed_400Problem(string body)
    {
        var pair = await Client.CreatePairAsync($"malformed-{body.Length}-{body.GetHashCode():x}", app.NewFolder($"malformed-l-{body.GetHashCode():x}"), app.NewFolder($"malformed-r-{body.GetHashCode():x}"));

        using var response = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/trash/groups/restore", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SafetyRoutes_NoSuchPair_404Problem()
    {
        foreach (var url in new[] { "/api/v1/pairs/9999/held-deletes", "/api/v1/pairs/9999/trash/groups?side=left" })
        {
            using var response = await Client.GetAsync(url);
            await Problem.AssertAsync(response, HttpStatusCode.NotFound);
        }
        using var restore = await Client.PostAsync("/api/v1/pairs/9999/held-deletes/restore", null);
        await Problem.AssertAsync(restore, HttpStatusCode.NotFound);
    }

    /// <summary>A host with a generated key at <paramref name="address"/>, never connected to.</summary>
    private async Task<HostResource> CreateKeyHostAsync(string name, string address)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/hosts", new { name, address, user = "psync", generateKey = true });
        return await response.ReadAsync<HostResource>(HttpStatusCode.Created);
    }
}
