using System.Net;
using System.Net.Http.Json;

namespace Psync.Web.Tests.Api;

/// <summary>What a pair may sync and run: roots outside the system and the appliance's own folders, rsync options that stay in the trees.</summary>
public sealed class RootPolicyTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Theory]
    [InlineData("/", "/ holds the whole system")]
    [InlineData("/etc", "/etc is a system tree")]
    [InlineData("/proc", "/proc is a system tree")]
    [InlineData("/root", "/root is a system tree")]
    [InlineData("/lib64", "is a system tree")]
    [InlineData("/var", "it holds the system tree /var/lib")]
    public async Task CreatePair_SystemRoot_400WithTheReason(string root, string reason)
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "sys" + root.Replace('/', '-'), leftRoot = root, rightRoot = app.NewFolder("sys-right" + root.Replace('/', '-')) });

        var problem = await Problem.AssertValidationAsync(response, "leftRoot");
        Assert.Contains(reason, string.Join(" ", problem.Errors["leftRoot"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePair_RootSlashWithRightRootInsideIt_400()
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "slash", leftRoot = "/", rightRoot = app.NewFolder("slash-right") });

        await Problem.AssertValidationAsync(response, "leftRoot");
        Assert.DoesNotContain((await app.Client.GetFromJsonAsync<List<Psync.Web.Pairs.PairResource>>("/api/v1/pairs"))!, p => p.Name == "slash");
    }

    [Fact]
    public async Task CreatePair_SymlinkToTheDataFolder_400NamingTheDataFolder()
    {
        var link = Path.Combine(app.NewFolder("links"), "innocent");
        File.CreateSymbolicLink(link, app.DataDir);

        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "data-link", leftRoot = link, rightRoot = app.NewFolder("data-link-right") });

        var problem = await Problem.AssertValidationAsync(response, "leftRoot");
        var error = string.Join(" ", problem.Errors["leftRoot"]);
        Assert.Contains("data folder", error, StringComparison.Ordinal);
        Assert.Contains(app.DataDir, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePair_RootInsideTheDataFolder_400()
    {
        var inside = Directory.CreateDirectory(Path.Combine(app.DataDir, "pairs", "sneaky")).FullName;

        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "inside-data", leftRoot = app.NewFolder("inside-data-left"), rightRoot = inside });

        var problem = await Problem.AssertValidationAsync(response, "rightRoot");
        Assert.Contains("data folder", string.Join(" ", problem.Errors["rightRoot"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePair_RootHoldingTheDataFolder_400()
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "holds-data", leftRoot = app.Root, rightRoot = "/srv/psync-nowhere" });

        var problem = await Problem.AssertValidationAsync(response, "leftRoot");
        Assert.Contains("data folder", string.Join(" ", problem.Errors["leftRoot"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePair_RemoteSystemRoot_400()
    {
        using var host = await app.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "far", address = "192.0.2.1", user = "sync", generateKey = true });
        var id = (await host.ReadAsync<Psync.Web.Hosts.HostResource>(HttpStatusCode.Created)).Id;

        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "remote-etc", leftRoot = app.NewFolder("remote-etc-left"), rightRoot = "/etc/", hostId = id });

        var problem = await Problem.AssertValidationAsync(response, "rightRoot");
        Assert.Contains("/etc is a system tree", string.Join(" ", problem.Errors["rightRoot"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePair_RsyncLogFile_400InTheCliWords()
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/pairs",
            new { name = "log-file", leftRoot = app.NewFolder("log-file-left"), rightRoot = app.NewFolder("log-file-right"), rsyncExtra = new[] { "--log-file=/tmp/x" } });

        var problem = await Problem.AssertValidationAsync(response, "rsyncExtra");
        // The same words as the CLI's (CommandLineValueTests.LogFileRefusal), capitalized as a sentence.
        Assert.Contains("Rsync option '--log-file=/tmp/x' is not allowed: it reads or writes files outside the synced trees", problem.Errors["rsyncExtra"][0], StringComparison.Ordinal);
    }
}

/// <summary>The admin's setting of allowed parent folders (its own app: the setting holds for every test of the app).</summary>
public sealed class AllowedParentsTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task CreatePair_AllowedParentSet_RootOutsideRefused400NamingItAndInsideCreated()
    {
        var allowed = app.NewFolder("allowed");
        using var set = await app.Client.PutAsJsonAsync("/api/v1/settings", new { allowedParents = new[] { allowed } });
        Assert.Equal([allowed], (await set.ReadAsync<Psync.Web.Pairs.SettingsResource>(HttpStatusCode.OK)).AllowedParents);

        using var outside = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "outside", leftRoot = app.NewFolder("allowed/left"), rightRoot = app.NewFolder("elsewhere") });

        var problem = await Problem.AssertValidationAsync(outside, "rightRoot");
        Assert.Contains(allowed, string.Join(" ", problem.Errors["rightRoot"]), StringComparison.Ordinal);
        Assert.False(problem.Errors.ContainsKey("leftRoot"));
        await app.Client.CreatePairAsync("inside", app.NewFolder("allowed/in-left"), app.NewFolder("allowed/in-right"));
    }

    [Fact]
    public async Task SetSettings_RelativeParent_400AndUnchanged()
    {
        var before = (await app.Client.GetFromJsonAsync<Psync.Web.Pairs.SettingsResource>("/api/v1/settings"))!;

        using var response = await app.Client.PutAsJsonAsync("/api/v1/settings", new { allowedParents = new[] { "srv/../etc" } });

        await Problem.AssertValidationAsync(response, "allowedParents");
        Assert.Equal(before.AllowedParents, (await app.Client.GetFromJsonAsync<Psync.Web.Pairs.SettingsResource>("/api/v1/settings"))!.AllowedParents);
    }
}
