using System.Net;
using System.Net.Http.Json;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

public sealed class TrashTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private HttpClient Client => app.Client;

    [Fact]
    public async Task Restore_FileDeletedOnLeft_ListedInRightTrashAndBackOnBothSides()
    {
        var left = app.NewFolder("left");
        var right = app.NewFolder("right");
        await File.WriteAllTextAsync(Path.Combine(left, "keep.txt"), "precious");
        var pair = await Client.CreateIdlePairAsync("trash", left, right);
        await PairsApi.WaitForFileAsync(Path.Combine(right, "keep.txt"), "precious");
        File.Delete(Path.Combine(left, "keep.txt"));
        await Eventually.WaitAsync(() => !File.Exists(Path.Combine(right, "keep.txt")), PairsApi.Deadline, "the delete to reach the right");

        using var list = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/trash?side=right");
        var entry = Assert.Single(await list.ReadAsync<List<TrashResource>>(HttpStatusCode.OK), e => e.OriginalPath == "keep.txt");
        Assert.Equal("right", entry.Side);
        using var restore = await Client.PostAsJsonAsync($"/api/v1/pairs/{pair.Id}/trash/restore", new { side = "right", id = entry.Id });

        var restored = await restore.ReadAsync<RestoreResource>(HttpStatusCode.OK);
        Assert.Equal(("keep.txt", false), (restored.RestoredPath, restored.Renamed));
        await PairsApi.WaitForFileAsync(Path.Combine(right, "keep.txt"), "precious");
        await PairsApi.WaitForFileAsync(Path.Combine(left, "keep.txt"), "precious");
    }

    [Theory]
    [InlineData("side=up")]
    [InlineData("")]
    public async Task Trash_BadSide_400Problem(string query)
    {
        var pair = await Client.CreatePairAsync($"bad-side-{query.Length}", app.NewFolder($"bad-l{query.Length}"), app.NewFolder($"bad-r{query.Length}"));

        using var response = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/trash?{query}");

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Restore_UnknownIdOrPausedPair_ProblemAndNothingChanges()
    {
        var pair = await Client.CreateIdlePairAsync("unknown-id", app.NewFolder("unknown-l"), app.NewFolder("unknown-r"));

        using var unknown = await Client.PostAsJsonAsync($"/api/v1/pairs/{pair.Id}/trash/restore", new { side = "left", id = "20260101T000000Z-nothing" });
        await Problem.AssertAsync(unknown, HttpStatusCode.Conflict);
        using var missing = await Client.PostAsJsonAsync($"/api/v1/pairs/{pair.Id}/trash/restore", new { side = "left" });
        await Problem.AssertAsync(missing, HttpStatusCode.BadRequest);

        using var pause = await Client.PostAsync($"/api/v1/pairs/{pair.Id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        using var paused = await Client.GetAsync($"/api/v1/pairs/{pair.Id}/trash?side=left");
        await Problem.AssertAsync(paused, HttpStatusCode.Conflict);
    }
}
