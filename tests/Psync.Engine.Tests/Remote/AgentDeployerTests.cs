using System.Diagnostics;
using System.Security.Cryptography;
using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

public sealed class AgentDeployerTests(SshdFixture sshd) : IClassFixture<SshdFixture>, IDisposable
{
    private readonly string _root = RemoteTestFiles.TempDir("psync-right-");
    private readonly string _base = RemoteTestFiles.TempDir("psync-agents-");

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_base, recursive: true);
    }

    [Fact]
    public async Task DeployAsync_FreshHostThenAgain_UploadsOnceThenSkips()
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());
        var deployer = new AgentDeployer(session, bundle, _base);
        var progress = new Lines();

        var first = await deployer.DeployAsync(_root, progress);

        var folder = Path.Combine(_base, bundle.Version, "linux-x64");
        Assert.True(first.Uploaded);
        Assert.Equal(Path.Combine(folder, "psync-agent"), first.AgentPath);
        Assert.Equal("linux-x64", first.Runtime);
        Assert.Matches(@"^\d+\.\d+", first.Facts.RsyncVersion);
        Assert.Equal(Hash(bundle.Own().AgentPath), Hash(first.AgentPath));
        Assert.Equal(Hash(bundle.Own().CinotifyPath), Hash(Path.Combine(folder, "cinotify")));
        Assert.Equal(["cinotify", "psync-agent"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(File.GetUnixFileMode(first.AgentPath).HasFlag(UnixFileMode.UserExecute | UnixFileMode.OtherExecute));
        Assert.Contains(progress.All, l => l.StartsWith("uploading psync-agent", StringComparison.Ordinal));
        var uploadedAt = File.GetLastWriteTimeUtc(first.AgentPath);

        var second = await new AgentDeployer(session, bundle, _base).DeployAsync(_root, progress);

        Assert.False(second.Uploaded);
        Assert.Equal(first.AgentPath, second.AgentPath);
        Assert.Equal(uploadedAt, File.GetLastWriteTimeUtc(second.AgentPath));
        Assert.Contains(progress.All, l => l.Contains("already on", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("#!/bin/sh\necho 0.0.0-wrong\n")]
    [InlineData("\u007fELF truncated")]
    public async Task DeployAsync_OtherOrBrokenAgentInstalled_Reuploads(string installed)
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        var folder = Directory.CreateDirectory(Path.Combine(_base, bundle.Version, "linux-x64")).FullName;
        foreach (var name in new[] { "psync-agent", "cinotify" })
        {
            var path = Path.Combine(folder, name);
            await File.WriteAllTextAsync(path, installed);
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());

        var deployment = await new AgentDeployer(session, bundle, _base).DeployAsync(_root);

        Assert.True(deployment.Uploaded);
        Assert.Equal(Hash(bundle.Own().AgentPath), Hash(deployment.AgentPath));
        Assert.Equal(Hash(bundle.Own().CinotifyPath), Hash(Path.Combine(folder, "cinotify")));
    }

    [Fact]
    public async Task DeployAsync_DefaultFolder_InstallsUnderRemoteHome()
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());

        var deployment = await new AgentDeployer(session, bundle).DeployAsync(_root);

        Assert.Equal(sshd.Home, deployment.Facts.Home);
        Assert.Equal(Path.Combine(sshd.Home, ".cache", "psync", "agent", bundle.Version, "linux-x64", "psync-agent"), deployment.AgentPath);
        Assert.True(File.Exists(deployment.AgentPath));
    }

    [Fact]
    public async Task DeployAsync_MissingRoot_SaysSoAndUploadsNothing()
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        var missing = Path.Combine(_root, "not there");
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());

        var e = await Assert.ThrowsAsync<RemoteException>(() => new AgentDeployer(session, bundle, _base).DeployAsync(missing));

        Assert.Equal($"the root {missing} does not exist on 127.0.0.1", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_base));
    }

    [Fact]
    public async Task DeployAsync_RootIsAFile_SaysNotADirectory()
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        var file = Path.Combine(_root, "file");
        await File.WriteAllTextAsync(file, "x");
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());

        var e = await Assert.ThrowsAsync<RemoteException>(() => new AgentDeployer(session, bundle, _base).DeployAsync(file));

        Assert.Contains("is not a directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployAsync_RootNotWritable_SaysNoWriteAccess()
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        var readOnly = Directory.CreateDirectory(Path.Combine(_root, "read-only")).FullName;
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());
        await using var _ = await ReadOnlyDirectory.MakeAsync(readOnly);

        var e = await Assert.ThrowsAsync<RemoteException>(() => new AgentDeployer(session, bundle, _base).DeployAsync(readOnly));

        Assert.Equal($"no write access to the root {readOnly} on 127.0.0.1 (as {Environment.UserName})", e.Message);
    }

    [Fact]
    public async Task DeployAsync_RootWithQuotesAndNewline_ChecksThatVeryPath()
    {
        var bundle = await RemoteTestFiles.BundleAsync();
        var odd = Directory.CreateDirectory(Path.Combine(_root, "it's a \"root\"\n$(touch pwned) -x")).FullName;
        await using var session = await SshSession.ConnectAsync(sshd.Options(), sshd.PinnedKnownHosts());

        var deployment = await new AgentDeployer(session, bundle, _base).DeployAsync(odd);

        Assert.True(deployment.Uploaded);
        Assert.False(File.Exists(Path.Combine(sshd.Home, "pwned")));
    }

    internal static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    internal sealed class Lines : IProgress<string>
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> All
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void Report(string value)
        {
            lock (_lines)
            {
                _lines.Add(value);
            }
        }
    }

    /// <summary>
    /// A directory even root cannot write to: root ignores modes, so as root it is made immutable
    /// (chattr +i); otherwise mode 555.
    /// </summary>
    private sealed class ReadOnlyDirectory(string path, bool immutable) : IAsyncDisposable
    {
        public static async Task<ReadOnlyDirectory> MakeAsync(string path)
        {
            if (Environment.UserName != "root")
            {
                File.SetUnixFileMode(path, (UnixFileMode)0b101_101_101);
                return new ReadOnlyDirectory(path, false);
            }
            await ChattrAsync("+i", path);
            return new ReadOnlyDirectory(path, true);
        }

        public async ValueTask DisposeAsync()
        {
            if (immutable)
            {
                await ChattrAsync("-i", path);
            }
            else
            {
                File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
            }
        }

        private static async Task ChattrAsync(string flag, string path)
        {
            var psi = new ProcessStartInfo("chattr") { RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(flag);
            psi.ArgumentList.Add(path);
            using var process = Process.Start(psi)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"chattr {flag} {path} failed (root needs CAP_LINUX_IMMUTABLE for this test): {error}");
        }
    }
}
