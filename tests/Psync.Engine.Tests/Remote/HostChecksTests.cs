using System.Diagnostics;
using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

/// <summary>Hosts the agent cannot serve are named in one line, before anything is uploaded.</summary>
public sealed class UnsupportedMachineTests : IAsyncLifetime
{
    private readonly (SshdFixture Sshd, string Bin) _host = ShimmedHost.Create(new Dictionary<string, string> { ["uname"] = ShimmedHost.Uname("riscv64") });
    private readonly string _base = RemoteTestFiles.TempDir("psync-agents-");

    public Task InitializeAsync() => _host.Sshd.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _host.Sshd.DisposeAsync();
        Directory.Delete(_host.Bin, recursive: true);
        Directory.Delete(_base, recursive: true);
    }

    [Fact]
    public async Task DeployAsync_RiscvHost_NamesTheMachinesThatHaveAgentsAndUploadsNothing()
    {
        var bundles = await RemoteTestFiles.BundleAsync();
        await using var session = await SshSession.ConnectAsync(_host.Sshd.Options(), _host.Sshd.PinnedKnownHosts());

        var e = await Assert.ThrowsAsync<DeployException>(() => new AgentDeployer(session, bundles, _base).DeployAsync(_host.Sshd.Home));

        Assert.Equal("127.0.0.1 runs on riscv64: Psync has agents for x86_64 (linux-x64) and aarch64 (linux-arm64) only", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_base));
    }
}

public sealed class OldRsyncTests : IAsyncLifetime
{
    private readonly (SshdFixture Sshd, string Bin) _host = ShimmedHost.Create(new Dictionary<string, string>
    {
        ["rsync"] = "echo 'rsync  version 3.0.9  protocol version 30'",
    });

    public Task InitializeAsync() => _host.Sshd.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _host.Sshd.DisposeAsync();
        Directory.Delete(_host.Bin, recursive: true);
    }

    [Fact]
    public async Task DeployAsync_Rsync309_SaysItIsTooOldAndWhichIsNeeded()
    {
        var bundles = await RemoteTestFiles.BundleAsync();
        await using var session = await SshSession.ConnectAsync(_host.Sshd.Options(), _host.Sshd.PinnedKnownHosts());

        var e = await Assert.ThrowsAsync<DeployException>(() => new AgentDeployer(session, bundles, Path.Combine(_host.Sshd.Directory, "agents")).DeployAsync(_host.Sshd.Home));

        Assert.Equal("rsync 3.0.9 on 127.0.0.1 is too old: Psync needs rsync 3.1.0 or later", e.Message);
    }
}

/// <summary>What the deployer finds out about a host, and a home on a noexec mount.</summary>
public sealed class HostFactsTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    [Fact]
    public async Task InspectAsync_ThisHost_ReportsMachineKernelRsyncAndInotifyLimits()
    {
        var bundles = await RemoteTestFiles.BundleAsync();
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());

        var facts = await new AgentDeployer(session, bundles, Path.Combine(sshd.Directory, "agents")).InspectAsync(null);

        Assert.Equal("Linux", facts.Os);
        Assert.Equal("x86_64", facts.Machine);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), facts.Kernel);
        Assert.True(facts.RsyncVersionNumber >= AgentDeployer.MinimumRsync, facts.RsyncVersion);
        Assert.True(facts.Inotify);
        Assert.Equal(long.Parse(File.ReadAllText("/proc/sys/fs/inotify/max_user_watches").Trim(), System.Globalization.CultureInfo.InvariantCulture), facts.InotifyWatches);
        Assert.Null(facts.Root);
    }

    [Fact]
    public async Task DeployAsync_AgentFolderOnANoexecMount_InstallsInAPrivateFolderThatRunsPrograms()
    {
        Assert.True(Environment.UserName == "root", "mounting a noexec tmpfs needs root");
        var bundles = await RemoteTestFiles.BundleAsync();
        var noexec = RemoteTestFiles.TempDir("psync-noexec-");
        await RunAsync("mount", "-t", "tmpfs", "-o", "noexec,size=64m", "tmpfs", noexec);
        var fallback = $"/var/tmp/psync-agent-{Libc.getuid()}";
        try
        {
            await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());
            var progress = new AgentDeployerTests.Lines();

            var deployment = await new AgentDeployer(session, bundles, noexec).DeployAsync(sshd.Home, progress);

            Assert.Equal(Path.Combine(fallback, bundles.Version, "linux-x64", "psync-agent"), deployment.AgentPath);
            Assert.Contains(progress.All, l => l == $"{noexec} on 127.0.0.1 cannot run programs (noexec): the agent goes to {fallback}");
            Assert.Equal("700", Convert.ToString((int)File.GetUnixFileMode(fallback), 8));
            Assert.Empty(Directory.GetFileSystemEntries(noexec));
        }
        finally
        {
            await RunAsync("umount", noexec);
            Directory.Delete(noexec);
            if (Directory.Exists(Path.Combine(fallback, bundles.Version)))
            {
                Directory.Delete(Path.Combine(fallback, bundles.Version), recursive: true);
            }
        }
    }

    internal static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {error}");
    }

    private static class Libc
    {
        [System.Runtime.InteropServices.DllImport("libc")]
        public static extern uint getuid();
    }
}
