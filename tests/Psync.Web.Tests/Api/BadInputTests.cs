using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Psync.Web.Tests.Api;

public sealed class BadInputTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("{\"name\": \"x\", \"leftRoot\": 5}")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public async Task CreatePair_BodyNotAPairRequest_400Problem(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await app.Client.PostAsync("/api/v1/pairs", content);

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreatePair_HoldOverAnHour_RefusedWithTheEnginesWords()
    {
        var left = app.NewFolder("hold-words-left");
        var right = app.NewFolder("hold-words-right");

        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "hold-words", leftRoot = left, rightRoot = right, holdMilliseconds = 3_600_001 });

        var problem = await Problem.AssertValidationAsync(response, "holdMilliseconds");
        // psync --hold=3600001 says the same (CommandLineValueTests).
        Assert.Equal(["The hold is 0 to 3600000 ms."], problem.Errors["holdMilliseconds"]);
    }

    [Theory]
    [InlineData("sideways")]
    [InlineData("Mirror")]
    [InlineData("")]
    public async Task CreatePair_UnknownMode_400ListingTheModes(string mode)
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "bad-mode", leftRoot = app.NewFolder("bad-mode-left"), rightRoot = app.NewFolder("bad-mode-right"), mode });

        var problem = await Problem.AssertValidationAsync(response, "mode");
        Assert.Equal(["The mode is one of two-way, one-way-safe, mirror."], problem.Errors["mode"]);
    }

    [Theory]
    [InlineData("no-name", "name")]
    [InlineData("missing-left", "leftRoot")]
    [InlineData("missing-right", "rightRoot")]
    [InlineData("left-is-file", "leftRoot")]
    [InlineData("right-missing-folder", "rightRoot")]
    [InlineData("relative-left", "leftRoot")]
    [InlineData("relative-right", "rightRoot")]
    [InlineData("dotdot-left", "leftRoot")]
    [InlineData("dotdot-right", "rightRoot")]
    [InlineData("right-inside-left", "rightRoot")]
    [InlineData("left-inside-right", "rightRoot")]
    [InlineData("same-folder", "rightRoot")]
    [InlineData("left-inside-data", "leftRoot")]
    [InlineData("right-holds-data", "rightRoot")]
    [InlineData("unknown-host", "hostId")]
    [InlineData("bad-exclude", "excludes")]
    [InlineData("bad-tempfile", "tempfiles")]
    [InlineData("backtracking-exclude", "excludes")]
    [InlineData("hold-too-long", "holdMilliseconds")]
    [InlineData("delete-share-zero", "maxDeleteShare")]
    [InlineData("rsync-remove-source", "rsyncExtra")]
    [InlineData("rsync-partial", "rsyncExtra")]
    public async Task CreatePair_InvalidField_400WithErrorsForThatField(string @case, string field)
    {
        var left = app.NewFolder($"{@case}-left");
        var right = app.NewFolder($"{@case}-right");
        var file = Path.Combine(left, "file.txt");
        await File.WriteAllTextAsync(file, "x");
        object request = @case switch
        {
            "no-name" => new { leftRoot = left, rightRoot = right },
            "missing-left" => new { name = @case, rightRoot = right },
            "missing-right" => new { name = @case, leftRoot = left },
            "left-is-file" => new { name = @case, leftRoot = file, rightRoot = right },
            "right-missing-folder" => new { name = @case, leftRoot = left, rightRoot = Path.Combine(right, "nope") },
            "relative-left" => new { name = @case, leftRoot = "trees/left", rightRoot = right },
            "relative-right" => new { name = @case, leftRoot = left, rightRoot = "right" },
            "dotdot-left" => new { name = @case, leftRoot = $"{right}/../{Path.GetFileName(left)}", rightRoot = right },
            "dotdot-right" => new { name = @case, leftRoot = left, rightRoot = $"{left}/../{Path.GetFileName(right)}" },
            "right-inside-left" => new { name = @case, leftRoot = left, rightRoot = Directory.CreateDirectory(Path.Combine(left, "inner")).FullName },
            "left-inside-right" => new { name = @case, leftRoot = Directory.CreateDirectory(Path.Combine(right, "inner")).FullName, rightRoot = right },
            "same-folder" => new { name = @case, leftRoot = left, rightRoot = left + "/" },
            "left-inside-data" => new { name = @case, leftRoot = Directory.CreateDirectory(Path.Combine(app.DataDir, "pairs")).FullName, rightRoot = right },
            "right-holds-data" => new { name = @case, leftRoot = left, rightRoot = Path.GetDirectoryName(app.DataDir)! },
            "unknown-host" => new { name = @case, leftRoot = left, rightRoot = "/srv/data", hostId = 999 },
            "bad-exclude" => new { name = @case, leftRoot = left, rightRoot = right, excludes = new[] { "ok\\.txt$", "(unclosed" } },
            "bad-tempfile" => new { name = @case, leftRoot = left, rightRoot = right, tempfiles = new[] { "[z-a]" } },
            "backtracking-exclude" => new { name = @case, leftRoot = left, rightRoot = right, excludes = new[] { @"(\w+)-\1" } },
            "hold-too-long" => new { name = @case, leftRoot = left, rightRoot = right, holdMilliseconds = 3_600_001 },
            "delete-share-zero" => new { name = @case, leftRoot = left, rightRoot = right, maxDeleteShare = 0.0 },
            "rsync-remove-source" => new { name = @case, leftRoot = left, rightRoot = right, rsyncExtra = new[] { "--bwlimit=1000", "--remove-source-files" } },
            "rsync-partial" => new { name = @case, leftRoot = left, rightRoot = right, rsyncExtra = new[] { "-avP" } },
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };

        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs", request);

        await Problem.AssertValidationAsync(response, field);
        using var list = await app.Client.GetAsync("/api/v1/pairs");
        Assert.DoesNotContain(@case, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePair_SameRootsOrSameNameAgain_400()
    {
        var left = app.NewFolder("dup-left");
        var right = app.NewFolder("dup-right");
        var first = await app.Client.CreatePairAsync("dup", left, right);

        using var sameRoots = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "dup-2", leftRoot = left + "/", rightRoot = right });
        using var sameName = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = " dup ", leftRoot = app.NewFolder("dup-left-2"), rightRoot = app.NewFolder("dup-right-2") });
        using var swapped = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "dup-swapped", leftRoot = right, rightRoot = left });

        var roots = await Problem.AssertValidationAsync(sameRoots, "rightRoot");
        Assert.Contains("'dup'", roots.Errors["rightRoot"][0], StringComparison.Ordinal);
        await Problem.AssertValidationAsync(sameName, "name");
        await Problem.AssertValidationAsync(swapped, "rightRoot");
        using var delete = await app.Client.DeleteAsync($"/api/v1/pairs/{first.Id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task UpdatePair_InvalidRoot_400AndUnchanged()
    {
        var left = app.NewFolder("upd-left");
        var right = app.NewFolder("upd-right");
        var pair = await app.Client.CreatePairAsync("upd", left, right);

        using var response = await app.Client.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new { name = "upd", leftRoot = "relative", rightRoot = right });

        await Problem.AssertValidationAsync(response, "leftRoot");
        Assert.Equal(left, (await app.Client.GetPairAsync(pair.Id)).LeftRoot);
        using var delete = await app.Client.DeleteAsync($"/api/v1/pairs/{pair.Id}");
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=1001")]
    [InlineData("?limit=-5")]
    [InlineData("?limit=many")]
    [InlineData("?since=yesterday")]
    [InlineData("?side=sideways")]
    public async Task GetEvents_BadQuery_400Problem(string query)
    {
        var name = $"events-{Guid.NewGuid():N}";
        var pair = await app.Client.CreatePairAsync(name, app.NewFolder($"{name}-left"), app.NewFolder($"{name}-right"));

        using var response = await app.Client.GetAsync($"/api/v1/pairs/{pair.Id}/events{query}");

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        using var delete = await app.Client.DeleteAsync($"/api/v1/pairs/{pair.Id}");
    }

    [Theory]
    [InlineData("{\"resolution\":\"keepMiddle\"}")]
    [InlineData("{\"resolution\":\"\"}")]
    [InlineData("{\"resolution\":\"7\"}")]
    [InlineData("{}")]
    public async Task ResolveConflict_BadResolution_400Problem(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await app.Client.PostAsync("/api/v1/conflicts/1/resolve", content);

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("keepLeft", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"username\":\"admin\"}")]
    [InlineData("{\"password\":\"whatever-it-is\"}")]
    [InlineData("{\"username\":")]
    public async Task Login_IncompleteBody_400Problem(string body)
    {
        using var client = app.ClientWith(null);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/api/v1/auth/login", content);

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("GET", "/api/v1/pairs/999", null)]
    [InlineData("PUT", "/api/v1/pairs/999", "pair")]
    [InlineData("DELETE", "/api/v1/pairs/999", null)]
    [InlineData("POST", "/api/v1/pairs/999/pause", null)]
    [InlineData("POST", "/api/v1/pairs/999/resume", null)]
    [InlineData("POST", "/api/v1/pairs/999/resync", null)]
    [InlineData("POST", "/api/v1/pairs/999/verify", null)]
    [InlineData("GET", "/api/v1/pairs/999/queue", null)]
    [InlineData("GET", "/api/v1/pairs/999/events", null)]
    [InlineData("GET", "/api/v1/pairs/999/conflicts", null)]
    [InlineData("POST", "/api/v1/conflicts/999/resolve", "{\"resolution\":\"keepLeft\"}")]
    [InlineData("GET", "/api/v1/hosts/999", null)]
    [InlineData("PUT", "/api/v1/hosts/999", "{\"name\":\"h\",\"address\":\"example.org\",\"user\":\"u\"}")]
    [InlineData("DELETE", "/api/v1/hosts/999", null)]
    [InlineData("POST", "/api/v1/hosts/999/test", null)]
    [InlineData("POST", "/api/v1/hosts/999/trust", "{\"fingerprint\":\"SHA256:abc\"}")]
    [InlineData("POST", "/api/v1/hosts/999/deploy", null)]
    [InlineData("DELETE", "/api/v1/tokens/999", null)]
    [InlineData("DELETE", "/api/v1/users/999", null)]
    [InlineData("PUT", "/api/v1/users/999/password", "{\"password\":\"long-enough-pw\"}")]
    [InlineData("GET", "/api/v1/nothing-here", null)]
    public async Task UnknownId_404Problem(string method, string url, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body == "pair")
        {
            body = $"{{\"name\":\"x\",\"leftRoot\":\"{app.NewFolder("404-l")}\",\"rightRoot\":\"{app.NewFolder("404-r")}\"}}";
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await app.Client.SendAsync(request);

        await Problem.AssertAsync(response, HttpStatusCode.NotFound);
    }
}
