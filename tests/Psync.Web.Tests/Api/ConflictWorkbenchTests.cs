using System.Net;
using System.Net.Http.Json;
using Psync.Web.Audit;
using Psync.Web.Conflicts;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

/// <summary>The conflict workbench's routes: a preview of both versions, and resolving several at once.</summary>
public sealed class ConflictWorkbenchTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private static readonly DateTime Stamp = new(2026, 5, 1, 8, 0, 0, DateTimeKind.Utc);

    private HttpClient Client => app.Client;

    [Fact]
    public async Task Preview_TextFiles_DiffNamesTheChangedLineAndBothVersionsMetadata()
    {
        var (pair, left, right) = await PairAsync("diff", ("notes.txt", "one\ntwo\nthree\n"u8.ToArray(), "one\nTWO, edited\nthree\n"u8.ToArray()));
        var conflict = await OpenConflictAsync(pair.Id, left, right);

        var preview = await PreviewAsync(pair.Id, conflict.Id);

        Assert.Equal(("notes.txt", PreviewLayout.Diff, false), (preview.Path, preview.Content, preview.Resolved));
        var changed = Assert.Single(preview.Diff!).Lines.Where(l => l.Op != DiffOp.Same).ToList();
        Assert.Equal([new DiffLine(DiffOp.Removed, 2, null, "two"), new DiffLine(DiffOp.Added, null, 2, "TWO, edited")], changed);
        // The right is an hour newer: it keeps the name, the left's version is the copy.
        Assert.Equal(("left", Psync.Protocol.EntryKind.File, 14L, false, false), (preview.Left.Side, preview.Left.Kind, preview.Left.Size, preview.Left.Newer, preview.Left.Kept));
        Assert.Equal(("right", 22L, true, true, "notes.txt"), (preview.Right.Side, preview.Right.Size, preview.Right.Newer, preview.Right.Kept, preview.Right.Location));
        Assert.Equal(conflict.ConflictCopy, preview.Left.Location);
        Assert.Equal(new DateTimeOffset(Stamp.AddHours(1)), preview.Right.Modified);
        Assert.Equal("rw-r--r-- (644)", preview.Left.Permissions);
        Assert.Null(preview.Left.Preview);
        // Vocabularies travel as camelCase names, as everywhere in the API.
        var json = await Client.GetStringAsync($"/api/v1/pairs/{pair.Id}/conflicts/{conflict.Id}/preview");
        foreach (var name in new[] { "\"content\":\"diff\"", "\"op\":\"removed\"", "\"op\":\"added\"", "\"kind\":\"file\"" })
        {
            Assert.Contains(name, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Preview_ImageAndBinary_DataUrlAndHexHead()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        byte[] binary = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        var (pair, left, right) = await PairAsync("image", ("pic.png", png, binary));
        var conflict = await OpenConflictAsync(pair.Id, left, right);

        var preview = await PreviewAsync(pair.Id, conflict.Id);

        Assert.Equal(PreviewLayout.Sides, preview.Content);
        Assert.Null(preview.Diff);
        Assert.Equal((PreviewKind.Image, $"data:image/png;base64,{Convert.ToBase64String(png)}"), (preview.Left.Preview!.Kind, preview.Left.Preview.DataUrl));
        Assert.Equal((PreviewKind.Hex, true), (preview.Right.Preview!.Kind, preview.Right.Preview.Truncated));
        Assert.StartsWith("00000000  00 01 02 03 04 05 06 07  08 09", preview.Right.Preview.Hex, StringComparison.Ordinal);
        Assert.Equal(ConflictWorkbench.HexBytes / 16, preview.Right.Preview.Hex!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Preview_TextOverTheLimit_ItsBeginningNoDiff()
    {
        var big = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 30_000).Select(i => $"line {i}\n")));
        Assert.True(big.Length > ConflictWorkbench.TextLimit);
        var (pair, left, right) = await PairAsync("big", ("big.log", big, "short\n"u8.ToArray()));
        var conflict = await OpenConflictAsync(pair.Id, left, right);

        var preview = await PreviewAsync(pair.Id, conflict.Id);

        Assert.Equal(PreviewLayout.Sides, preview.Content);
        Assert.Equal((PreviewKind.Text, true), (preview.Left.Preview!.Kind, preview.Left.Preview.Truncated));
        Assert.StartsWith("line 0\nline 1\n", preview.Left.Preview.Text, StringComparison.Ordinal);
        Assert.True(preview.Left.Preview.Text!.Length < big.Length);
        Assert.Equal((PreviewKind.Text, false, "short\n"), (preview.Right.Preview!.Kind, preview.Right.Preview.Truncated, preview.Right.Preview.Text));
    }

    [Fact]
    public async Task Preview_NoSuchConflictOrPair_404Problem()
    {
        var (pair, left, right) = await PairAsync("missing", ("m.txt", "a"u8.ToArray(), "bb"u8.ToArray()));
        var conflict = await OpenConflictAsync(pair.Id, left, right);
        var (other, _, _) = await PairAsync("missing-other", ("o.txt", "x"u8.ToArray(), "x"u8.ToArray()));

        foreach (var url in new[]
        {
            $"/api/v1/pairs/{pair.Id}/conflicts/{ConflictResource.ApiId(pair.Id, 999)}/preview",
            $"/api/v1/pairs/{other.Id}/conflicts/{conflict.Id}/preview",
            $"/api/v1/pairs/9999/conflicts/{conflict.Id}/preview",
        })
        {
            using var response = await Client.GetAsync(url);
            await Problem.AssertAsync(response, HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task ResolveMany_KeepLeft_ThreeResolvedLeftContentOnBothSidesAndAudited()
    {
        var files = new[] { "a.txt", "b.txt", "c.txt" }.Select(n => (n, System.Text.Encoding.UTF8.GetBytes($"left {n}"), System.Text.Encoding.UTF8.GetBytes($"right {n}, longer"))).ToArray();
        var (pair, left, right) = await PairAsync("bulk", files);
        var conflicts = await OpenConflictsAsync(pair.Id, 3);
        await Client.WaitForStateAsync(pair.Id, "idle");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        using var response = await Client.PostAsJsonAsync($"/api/v1/pairs/{pair.Id}/conflicts/resolve", new { ids = conflicts.Select(c => c.Id), resolution = "keepLeft" });

        var results = await response.ReadAsync<List<BulkResolveResult>>(HttpStatusCode.OK);
        Assert.Equal(conflicts.Select(c => (c.Id, true, (string?)null)).Order(), results.Select(r => (r.Id, r.Resolved, r.Error)).Order());
        foreach (var root in new[] { left, right })
        {
            await Eventually.WaitAsync(() => PairsApi.Names(root).Length == 3, PairsApi.Deadline, $"the copies to go from {root}", () => string.Join(", ", PairsApi.Names(root)));
            foreach (var (name, content, _) in files)
            {
                Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(root, name)));
            }
        }
        Assert.All(await ConflictsAsync(pair.Id), c => Assert.True(c.Resolved));
        var audit = (await Client.GetFromJsonAsync<AuditPage>($"/api/v1/audit?action=conflict-resolved&from={Uri.EscapeDataString(since.ToString("O"))}&limit=100"))!.Items;
        Assert.Equal(conflicts.Select(c => $"conflict {c.Id} of pair {pair.Id}").Order(), audit.Select(a => a.Target).Order());
        Assert.All(audit, a => Assert.Equal(("admin", true), (a.User, a.Detail.EndsWith(": KeepLeft", StringComparison.Ordinal))));
        // The left (older) versions were the copies, moved back over the names: nothing is kept apart any more.
        var settled = await PreviewAsync(pair.Id, conflicts[0].Id);
        Assert.Equal((true, PreviewLayout.Sides, PreviewKind.None), (settled.Resolved, settled.Content, settled.Left.Preview!.Kind));
        Assert.StartsWith("Settled: this version is no longer kept apart", settled.Left.Preview.Why, StringComparison.Ordinal);
        Assert.True(settled.Right.ChangedSince);
    }

    [Theory]
    [InlineData("{\"ids\":[],\"resolution\":\"keepLeft\"}", "ids")]
    [InlineData("{\"resolution\":\"keepLeft\"}", "ids")]
    [InlineData("{\"ids\":[1],\"resolution\":\"keepMine\"}", "resolution")]
    [InlineData("{\"ids\":[1]}", "resolution")]
    [InlineData("{\"ids\":[1],\"resolution\":\"0\"}", "resolution")]
    [InlineData("{\"ids\":[1],\"resolution\":\"keepLeft\"}", "not a conflict of pair")]
    [InlineData("{\"ids\":\"all\",\"resolution\":\"keepLeft\"}", "")]
    [InlineData("not json", "")]
    public async Task ResolveMany_Malformed_400Problem(string body, string says)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await Client.PostAsync("/api/v1/pairs/1/conflicts/resolve", content);

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(says, problem.Detail ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveMany_TooMany_400Problem()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/pairs/1/conflicts/resolve",
            new { ids = Enumerable.Range(1, ConflictWorkbench.MaxBulk + 1).Select(i => ConflictResource.ApiId(1, i)), resolution = "keepBoth" });

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreatePair_ConflictPolicyLeft_FirstSyncConflictSettledLeftWinsRightsInTrash()
    {
        var left = app.NewFolder("policy-left");
        var right = app.NewFolder("policy-right");
        await File.WriteAllTextAsync(Path.Combine(left, "p.txt"), "left wins");
        await File.WriteAllTextAsync(Path.Combine(right, "p.txt"), "right's, newer and longer");

        using var created = await Client.PostAsJsonAsync("/api/v1/pairs", new { name = "policy", leftRoot = left, rightRoot = right, conflicts = "left" });

        var pair = await created.ReadAsync<PairResource>(HttpStatusCode.Created);
        Assert.Equal("left", pair.Conflicts);
        await PairsApi.WaitForFileAsync(Path.Combine(right, "p.txt"), "left wins");
        var conflict = await Eventually.ValueAsync(async () => (await ConflictsAsync(pair.Id)).SingleOrDefault(), PairsApi.Deadline, "the conflict listed");
        Assert.Equal((true, ".psync/trash", "right"), (conflict.Resolved, conflict.ConflictCopy, conflict.Loser));
        Assert.Equal(["p.txt"], PairsApi.Names(right));
        Assert.Contains("right's, newer and longer", Directory.GetFiles(Path.Combine(right, ".psync", "trash"), "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Equal("left", (await Client.GetPairAsync(pair.Id)).Conflicts);
    }

    [Theory]
    [InlineData("newest", "two-way", "The conflict policy is one of ask, newer, left, right.")]
    [InlineData("newer", "mirror", "A conflict policy other than ask needs the two-way mode")]
    public async Task CreatePair_BadConflictPolicy_ValidationProblemOnConflicts(string policy, string mode, string says)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/pairs",
            new { name = $"bad-policy-{policy}", leftRoot = app.NewFolder($"bp-{policy}-l"), rightRoot = app.NewFolder($"bp-{policy}-r"), mode, conflicts = policy });

        var problem = await Problem.AssertValidationAsync(response, "conflicts");
        Assert.StartsWith(says, Assert.Single(problem.Errors["conflicts"]), StringComparison.Ordinal);
    }

    /// <summary>Each file exists in both trees with other content (the right one an hour newer) before the pair exists: its first sync makes a conflict of each.</summary>
    private async Task<(PairResource Pair, string Left, string Right)> PairAsync(string name, params (string Name, byte[] Left, byte[] Right)[] files)
    {
        var left = app.NewFolder($"wb-{name}-left");
        var right = app.NewFolder($"wb-{name}-right");
        foreach (var (file, l, r) in files)
        {
            await File.WriteAllBytesAsync(Path.Combine(left, file), l);
            await File.WriteAllBytesAsync(Path.Combine(right, file), r);
            File.SetLastWriteTimeUtc(Path.Combine(left, file), Stamp);
            File.SetLastWriteTimeUtc(Path.Combine(right, file), Stamp.AddHours(1));
            File.SetUnixFileMode(Path.Combine(left, file), (UnixFileMode)0x1A4);
        }
        return (await Client.CreatePairAsync(name, left, right), left, right);
    }

    private async Task<ConflictResource> OpenConflictAsync(int pairId, string left, string right)
    {
        var conflict = Assert.Single(await OpenConflictsAsync(pairId, 1));
        foreach (var root in new[] { left, right })
        {
            await Eventually.WaitAsync(() => File.Exists(Path.Combine(root, conflict.ConflictCopy)), PairsApi.Deadline,
                $"{conflict.ConflictCopy} in {root}", () => string.Join(", ", PairsApi.Names(root)));
        }
        await Client.WaitForStateAsync(pairId, "idle");
        return conflict;
    }

    private async Task<List<ConflictResource>> OpenConflictsAsync(int pairId, int count)
    {
        List<ConflictResource> last = [];
        await Eventually.WaitAsync(async () => (last = await ConflictsAsync(pairId)).Count(c => !c.Resolved) == count, PairsApi.Deadline,
            $"pair {pairId} to list {count} open conflicts", () => $"{last.Count} listed");
        return last;
    }

    private async Task<ConflictPreviewResource> PreviewAsync(int pairId, long conflictId)
    {
        using var response = await Client.GetAsync($"/api/v1/pairs/{pairId}/conflicts/{conflictId}/preview");
        return await response.ReadAsync<ConflictPreviewResource>(HttpStatusCode.OK);
    }

    private async Task<List<ConflictResource>> ConflictsAsync(int pairId)
    {
        using var response = await Client.GetAsync($"/api/v1/pairs/{pairId}/conflicts");
        return await response.ReadAsync<List<ConflictResource>>(HttpStatusCode.OK);
    }
}
