using Psync.Engine.Sync;
using Psync.Engine.Tests.Sync;

namespace Psync.Engine.Tests.Remote;

/// <summary>
/// An arm64 right host: the loopback sshd's sessions say aarch64 for <c>uname -m</c> (a test-only
/// wrapper), so the deployer uploads the arm64 agent and cinotify, which the kernel then runs through
/// qemu-aarch64-static (binfmt_misc, registered here when missing). The pair syncs both ways.
/// </summary>
public sealed class Arm64RemotePairTests : IAsyncLifetime
{
    private readonly (SshdFixture Sshd, string Bin) _host = ShimmedHost.Create(new Dictionary<string, string> { ["uname"] = ShimmedHost.Uname("aarch64") });

    public async Task InitializeAsync()
    {
        await QemuBinfmt.EnsureAarch64Async();
        await _host.Sshd.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.Sshd.DisposeAsync();
        Directory.Delete(_host.Bin, recursive: true);
    }

    [Fact]
    public async Task RemotePair_Arm64AgentUnderQemu_SyncsBothWays()
    {
        await using var pair = PairHarness.CreateRemote(_host.Sshd, o => o with { AgentPath = Psync.Tests.RepoFiles.AgentFolder });
        await File.WriteAllTextAsync(pair.L("before.txt"), "from the left, before start");
        await File.WriteAllTextAsync(pair.R("right-before.txt"), "from the right, before start");

        await pair.StartAsync();
        await File.WriteAllTextAsync(pair.L("live-left.txt"), "left while running");
        Directory.CreateDirectory(pair.R("dir"));
        await File.WriteAllTextAsync(pair.R("dir/live-right.txt"), "right while running");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));

        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Connect && e.Detail.Contains("(linux-arm64) installed", StringComparison.Ordinal));
        Assert.Equal("right while running", await File.ReadAllTextAsync(pair.L("dir/live-right.txt")));
        Assert.Equal("left while running", await File.ReadAllTextAsync(pair.R("live-left.txt")));
        Assert.Equal(PairState.Idle, pair.Pair.Status.State);
        var installed = Assert.Single(Directory.GetFiles(Path.Combine(_host.Sshd.Home, ".cache", "psync", "agent"), "psync-agent", SearchOption.AllDirectories));
        Assert.Equal("linux-arm64", Path.GetFileName(Path.GetDirectoryName(installed)));
        Assert.Equal("aarch64", Psync.Engine.Remote.ElfFile.Read(installed)!.Machine);
    }
}

/// <summary>Makes the kernel run aarch64 programs through qemu-aarch64-static (binfmt_misc), as Debian's qemu-user-static would with systemd.</summary>
internal static class QemuBinfmt
{
    private const string Registration = "/proc/sys/fs/binfmt_misc/qemu-aarch64";
    private const string Config = "/usr/lib/binfmt.d/qemu-aarch64.conf";

    public static async Task EnsureAarch64Async()
    {
        if (File.Exists(Registration))
        {
            return;
        }
        Assert.True(File.Exists(Config), $"{Config} is missing: scripts/test.sh installs qemu-user-static");
        if (!File.Exists("/proc/sys/fs/binfmt_misc/register"))
        {
            await HostFactsTests.RunAsync("mount", "-t", "binfmt_misc", "binfmt_misc", "/proc/sys/fs/binfmt_misc");
        }
        var line = (await File.ReadAllLinesAsync(Config)).First(l => l.StartsWith(':'));
        try
        {
            await File.WriteAllTextAsync("/proc/sys/fs/binfmt_misc/register", line);
        }
        catch (IOException) when (File.Exists(Registration))
        {
            // registered meanwhile by another test
        }
    }
}
