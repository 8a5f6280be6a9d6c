using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

/// <summary>Finding what to upload: only static agents, one per CPU, and a clear word when there are none.</summary>
public sealed class AgentBundlesTests : IDisposable
{
    private readonly string _dir = RemoteTestFiles.TempDir("psync-bundles-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task LocateAsync_PublishedFolder_HasStaticX64AndArm64BundlesOfOneVersion()
    {
        var bundles = await AgentBundles.LocateAsync(Psync.Tests.RepoFiles.AgentFolder);

        Assert.Equal(["linux-x64", "linux-arm64"], bundles.All.Select(b => b.Runtime));
        Assert.All(bundles.All, b => Assert.True(ElfFile.Read(b.AgentPath)!.IsStatic && ElfFile.Read(b.CinotifyPath)!.IsStatic));
        Assert.Equal("aarch64", ElfFile.Read(bundles.All[1].AgentPath)!.Machine);
        Assert.Matches(@"^\d+\.\d+\.\d+", bundles.Version);
        Assert.Equal("linux-arm64", bundles.For("aarch64", "h").Runtime);
        Assert.Equal("linux-x64", bundles.For("x86_64", "h").Runtime);
    }

    [Fact]
    public async Task LocateAsync_PlainBuildAgentInsideTheCheckout_FindsThePublishedAgentsAboveIt()
    {
        // The framework-dependent psync-agent that `dotnet build` puts next to psync (and these tests).
        var plain = Path.Combine(AppContext.BaseDirectory, "psync-agent");
        Assert.Null(ElfFile.Read(plain)?.IsStatic is true ? "static" : null);

        var bundles = await AgentBundles.LocateAsync(plain);

        Assert.Equal(Path.Combine(Psync.Tests.RepoFiles.Root, "artifacts", "agent", "linux-x64", "psync-agent"), bundles.All[0].AgentPath);
    }

    [Fact]
    public async Task LocateAsync_PlainBuildAgentElsewhere_FailsAtOnceNamingTheCommandToRun()
    {
        foreach (var file in new[] { "psync-agent", "psync-agent.dll" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, file), Path.Combine(_dir, file));
        }

        var e = await Assert.ThrowsAsync<DeployException>(() => AgentBundles.LocateAsync(Path.Combine(_dir, "psync-agent")));

        Assert.Contains("is a framework-dependent build (it needs .NET on the host)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Run scripts/publish-agent.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocateAsync_DynamicallyLinkedCinotify_RefusedNamingTheFile()
    {
        var x64 = Directory.CreateDirectory(Path.Combine(_dir, "linux-x64")).FullName;
        File.Copy(Psync.Tests.RepoFiles.PublishedAgent("linux-x64"), Path.Combine(x64, "psync-agent"));
        File.Copy("/bin/true", Path.Combine(x64, "cinotify"));

        var e = await Assert.ThrowsAsync<DeployException>(() => AgentBundles.LocateAsync(_dir));

        Assert.StartsWith($"{Path.Combine(x64, "cinotify")} is dynamically linked (it needs /lib64/ld-linux-x86-64.so.2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocateAsync_X64AgentInTheArm64Folder_RefusedAsBuiltForTheWrongMachine()
    {
        foreach (var runtime in new[] { "linux-x64", "linux-arm64" })
        {
            var folder = Directory.CreateDirectory(Path.Combine(_dir, runtime)).FullName;
            File.Copy(Psync.Tests.RepoFiles.PublishedAgent("linux-x64"), Path.Combine(folder, "psync-agent"));
            File.Copy(Path.Combine(Path.GetDirectoryName(Psync.Tests.RepoFiles.PublishedAgent(runtime))!, "cinotify"), Path.Combine(folder, "cinotify"));
        }

        var e = await Assert.ThrowsAsync<DeployException>(() => AgentBundles.LocateAsync(_dir));

        Assert.StartsWith($"{Path.Combine(_dir, "linux-arm64", "psync-agent")} is built for x86_64, not aarch64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task For_MachineWithoutABundleHere_SaysWhichAreHereAndHowToBuildTheRest()
    {
        var x64 = Directory.CreateDirectory(Path.Combine(_dir, "linux-x64")).FullName;
        foreach (var file in new[] { "psync-agent", "cinotify" })
        {
            File.Copy(Path.Combine(Path.GetDirectoryName(Psync.Tests.RepoFiles.PublishedAgent("linux-x64"))!, file), Path.Combine(x64, file));
        }
        var bundles = await AgentBundles.LocateAsync(_dir);

        var e = Assert.Throws<DeployException>(() => bundles.For("aarch64", "pi"));

        Assert.Equal("pi runs on aarch64 (linux-arm64), but this installation has agents for x86_64 (linux-x64) only: run scripts/publish-agent.sh, which builds them all", e.Message);
    }
}
