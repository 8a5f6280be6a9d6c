using System.Net;
using System.Net.Http.Json;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

public sealed class ConflictTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private HttpClient Client => app.Client;

    [Theory]
    [InlineData("keepLeft", "left version")]
    [InlineData("keepRight", "right version, longer")]
    public async Task ResolveConflict_KeepOneSide_CopyGoneFromBothTreesAndNameHoldsThatSide(string resolution, string kept)
    {
        var (pair, left, right) = await PairWithConflictAsync(resolution);
        var conflict = await OpenConflictAsync(pair.Id, left, right);
        Assert.Equal("f.txt", conflict.Path);
        Assert.Matches(@"^f\.psync-conflict-\d{8}-\d{6}-(left|right)\.txt$", conflict.ConflictCopy);
        Assert.Equal(1, (await Client.GetPairAsync(pair.Id)).Status.OpenConflicts);

        using var response = await Client.PostAsJsonAsync($"/api/v1/conflicts/{conflict.Id}/resolve", new { resolution });

        var resolved = await response.ReadAsync<ConflictResource>(HttpStatusCode.OK);
        Assert.Equal((conflict.Id, true), (resolved.Id, resolved.Resolved));
        foreach (var root in new[] { left, right })
        {
            await Eventually.WaitAsync(() => !File.Exists(Path.Combine(root, conflict.ConflictCopy)), PairsApi.Deadline,
                $"{conflict.ConflictCopy} to go from {root}", () => string.Join(", ", PairsApi.Names(root)));
            Assert.Equal(["f.txt"], PairsApi.Names(root));
            Assert.Equal(kept, await File.ReadAllTextAsync(Path.Combine(root, "f.txt")));
        }
        Assert.True(Assert.Single(await ConflictsAsync(pair.Id)).Resolved);
        Assert.Equal(0, (await Client.GetPairAsync(pair.Id)).Status.OpenConflicts);
    }

    [Fact]
    public async Task ResolveConflict_OneStore_TheEnginesListAnsweredWithNoMirrorTable()
    {
        var (pair, left, right) = await PairWithConflictAsync("one-store");
        var conflict = await OpenConflictAsync(pair.Id, left, right);

        using var response = await Client.PostAsJsonAsync($"/api/v1/conflicts/{conflict.Id}/resolve", new { resolution = "keepBoth" });

        Assert.True((await response.ReadAsync<ConflictResource>(HttpStatusCode.OK)).Resolved);
        // The API's answer is the engine's own store, read at once: no flush, no copy in psync.db.
        var store = Assert.Single(Psync.Engine.Conflicts.ConflictStore.Read(Path.Combine(app.DataDir, "pairs", pair.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal((ConflictResource.ApiId(pair.Id, store.Id), true), (conflict.Id, store.Resolved));
        Assert.DoesNotContain("Conflicts", await Database.TablesAsync(app.Database));
    }

    [Fact]
    public async Task ResolveConflict_KeepBoth_BothVersionsStay()
    {
        var (pair, left, right) = await PairWithConflictAsync("keepBoth");
        var conflict = await OpenConflictAsync(pair.Id, left, right);

        using var response = await Client.PostAsJsonAsync($"/api/v1/conflicts/{conflict.Id}/resolve", new { resolution = "keepBoth" });

        Assert.True((await response.ReadAsync<ConflictResource>(HttpStatusCode.OK)).Resolved);
        Assert.Equal(PairsApi.Names(left), PairsApi.Names(right));
        Assert.Equal(new[] { "f.txt", conflict.ConflictCopy }.Order(StringComparer.Ordinal), PairsApi.Names(left));
    }

    [Fact]
    public async Task ResolveConflict_PairPaused_409Problem()
    {
        var (pair, left, right) = await PairWithConflictAsync("paused");
        var conflict = await OpenConflictAsync(pair.Id, left, right);
        using var pause = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);

        using var response = await Client.PostAsJsonAsync($"/api/v1/conflicts/{conflict.Id}/resolve", new { resolution = "keepLeft" });

        await Problem.AssertAsync(response, HttpStatusCode.Conflict);
        Assert.False(Assert.Single(await ConflictsAsync(pair.Id)).Resolved);
    }

    [Fact]
    public async Task UpdatePair_NewRightRoot_OldConflictsDroppedNewOnesListed()
    {
        var (pair, left, right) = await PairWithConflictAsync("moved");
        var old = await OpenConflictAsync(pair.Id, left, right);
        await File.WriteAllTextAsync(Path.Combine(left, "g.txt"), "left g");
        var newRight = app.NewFolder("moved-right-2");
        await File.WriteAllTextAsync(Path.Combine(newRight, "g.txt"), "new right's g, longer");

        using var updated = await Client.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new { name = pair.Name, leftRoot = left, rightRoot = newRight });

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        IReadOnlyList<ConflictResource> last = [];
        await Eventually.WaitAsync(async () => (last = await ConflictsAsync(pair.Id)).Any(c => c.Path == "g.txt"), PairsApi.Deadline,
            "the conflict on g.txt in the new trees", () => string.Join("; ", last.Select(c => $"{c.Id} {c.Path} resolved={c.Resolved}")));
        var conflict = Assert.Single(last);
        Assert.NotEqual(old.Id, conflict.Id);
        Assert.False(conflict.Resolved);
        await PairsApi.WaitForFileAsync(Path.Combine(newRight, "f.txt"), await File.ReadAllTextAsync(Path.Combine(left, "f.txt")));
    }

    /// <summary>Both trees hold f.txt with different content before the pair exists: its first sync makes a conflict.</summary>
    private async Task<(PairResource Pair, string Left, string Right)> PairWithConflictAsync(string name)
    {
        var left = app.NewFolder($"{name}-left");
        var right = app.NewFolder($"{name}-right");
        await File.WriteAllTextAsync(Path.Combine(left, "f.txt"), "left version");
        await File.WriteAllTextAsync(Path.Combine(right, "f.txt"), "right version, longer");
        var pair = await Client.CreatePairAsync(name, left, right);
        return (pair, left, right);
    }

    /// <summary>Waits until the pair lists one open conflict and has settled it in both trees (copy made on both sides, pair idle).</summary>
    private async Task<ConflictResource> OpenConflictAsync(int pairId, string left, string right)
    {
        IReadOnlyList<ConflictResource> last = [];
        var conflict = await Eventually.ValueAsync(async () => (last = await ConflictsAsync(pairId)).SingleOrDefault(c => !c.Resolved), PairsApi.Deadline,
            $"pair {pairId} to list a conflict", () => $"{last.Count} listed");
        foreach (var root in new[] { left, right })
        {
            await Eventually.WaitAsync(() => File.Exists(Path.Combine(root, conflict.ConflictCopy)), PairsApi.Deadline,
                $"{conflict.ConflictCopy} in {root}", () => string.Join(", ", PairsApi.Names(root)));
        }
        await Client.WaitForStateAsync(pairId, "idle");
        return conflict;
    }

    private async Task<List<ConflictResource>> ConflictsAsync(int pairId)
    {
        using var response = await Client.GetAsync($"/api/v1/pairs/{pairId}/conflicts");
        return await response.ReadAsync<List<ConflictResource>>(HttpStatusCode.OK);
    }
}
