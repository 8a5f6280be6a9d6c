namespace Psync.Engine.Tests.Cli;

/// <summary>
/// The psync users run: scripts/build.sh publishes it compiled ahead (NativeAOT, its code trimmed),
/// with the static agents beside it. The other CLI tests run this build's psync.dll.
/// </summary>
public sealed class PublishedPsyncTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psync-published-").FullName;

    private string Left => Path.Combine(_dir, "left");

    private string Right => Path.Combine(_dir, "right");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task SyncOnly_OddNames_AllArriveBothWays_WithTheAgentBesideIt()
    {
        string[] names = ["-dash", "a:colon", "new\nline", "two  spaces", "ünïcödé", "d/-inner"];
        Directory.CreateDirectory(Path.Combine(Left, "d"));
        Directory.CreateDirectory(Right);
        foreach (var name in names)
        {
            await File.WriteAllTextAsync(Path.Combine(Left, name), name);
        }
        await File.WriteAllTextAsync(Path.Combine(Right, "r.txt"), "from right");
        // No PSYNC_AGENT: psync finds the agent published beside it.
        var environment = new Dictionary<string, string?> { ["PSYNC_AGENT"] = null };

        var sync = await PsyncProcess.RunPublishedAsync(environment, "-s", "--data-dir", Path.Combine(_dir, "data"), Left, Right);
        var check = await PsyncProcess.RunPublishedAsync(environment, "check", "--checksum", Left, Right);

        Assert.True(sync.ExitCode == 0, sync.Stderr);
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        foreach (var name in names)
        {
            Assert.Equal(name, await File.ReadAllTextAsync(Path.Combine(Right, name)));
        }
        Assert.Equal("from right", await File.ReadAllTextAsync(Path.Combine(Left, "r.txt")));
    }
}
