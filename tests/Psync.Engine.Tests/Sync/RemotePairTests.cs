using Psync.Engine.Sync;
using Psync.Engine.Tests.Remote;

namespace Psync.Engine.Tests.Sync;

/// <summary>A pair whose right side is reached over a real sshd on loopback, with its own root path.</summary>
public sealed class RemotePairTests(SshdFixture sshd) : IClassFixture<SshdFixture>, IAsyncLifetime
{
    private PairHarness _pair = null!;

    public async Task InitializeAsync()
    {
        _pair = PairHarness.CreateRemote(sshd);
        await _pair.StartAsync();
        Assert.Equal(PairState.Idle, _pair.Pair.Status.State);
    }

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task CreateRenameDeleteAndConflict_OverSsh_Converge()
    {
        await File.WriteAllTextAsync(_pair.L("from-left.txt"), "left");
        Directory.CreateDirectory(_pair.R("dir"));
        await File.WriteAllTextAsync(_pair.R("dir/from-right.txt"), "right");
        await _pair.WaitConvergedAsync(TimeSpan.FromSeconds(5));

        Directory.Move(_pair.R("dir"), _pair.R("renamed"));
        File.Delete(_pair.L("from-left.txt"));
        await _pair.WaitConvergedAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("right", await File.ReadAllTextAsync(_pair.L("renamed/from-right.txt")));
        Assert.False(File.Exists(_pair.R("from-left.txt")));
        Assert.Contains(_pair.Pair.History, e => e.Kind == EventKind.Connect);
    }

    [Fact]
    public async Task SshdRestarted_PairReconnectsAndConverges()
    {
        await File.WriteAllTextAsync(_pair.L("before.txt"), "before");
        await _pair.WaitConvergedAsync(TimeSpan.FromSeconds(5));

        await sshd.StopAsync();
        await File.WriteAllTextAsync(_pair.R("while-down.txt"), "written on the right while ssh was down");
        await File.WriteAllTextAsync(_pair.L("left-meanwhile.txt"), "left");
        await sshd.RestartAsync();

        await _pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("written on the right while ssh was down", await File.ReadAllTextAsync(_pair.L("while-down.txt")));
    }

    [Fact]
    public async Task NewAndChangedFilesInOneBatch_OverSsh_TheChangedOneIsStillSentAsADelta()
    {
        var pair = _pair;
        var content = new byte[2 << 20];
        Random.Shared.NextBytes(content);
        await File.WriteAllBytesAsync(pair.L("big"), content);
        await pair.WaitConvergedAsync();

        // Changed while the pair is stopped, so one reconcile plans all three in one batch.
        await pair.StopAsync();
        content[1000] ^= 0xff;
        await File.WriteAllBytesAsync(pair.L("big"), content);
        await File.WriteAllTextAsync(pair.L("new1"), "new");
        await File.WriteAllTextAsync(pair.L("new2"), "new too");
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();

        var counters = pair.Pair.Counters;
        // New files and changed ones go in separate rsync runs; the changed one still has its basis.
        Assert.Equal((3, 2), (counters.FilesTransferred, counters.RsyncRuns));
        // Against its basis only the changed block travels, far less than the 2 MiB file.
        Assert.InRange(counters.BytesTransferred, 1, 256 * 1024);
        Assert.Equal(content, await File.ReadAllBytesAsync(pair.R("big")));
    }
}

/// <summary>Tests that disturb the sshd get one of their own.</summary>
public sealed class RemoteFailureTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    [Fact]
    public async Task RightAgentKilledIdleAndDuringABurst_NothingLost()
    {
        await using var pair = PairHarness.CreateRemote(sshd);
        await pair.StartAsync();
        await File.WriteAllTextAsync(pair.L("idle.txt"), "x");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(5));

        PairHarness.KillAgentServing(pair.Right);
        await File.WriteAllTextAsync(pair.R("after-kill.txt"), "right");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(20));

        Directory.CreateDirectory(pair.L("burst"));
        for (var i = 0; i < 300; i++)
        {
            await File.WriteAllTextAsync(pair.L($"burst/f{i:D3}"), $"{i}");
        }
        PairHarness.KillAgentServing(pair.Right);
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(300, Directory.GetFiles(pair.R("burst")).Length);
        Assert.Equal("right", await File.ReadAllTextAsync(pair.L("after-kill.txt")));
    }

    [Fact]
    public async Task SshdKilledMidBurstAndRestarted_ReconnectsNothingLost()
    {
        await using var pair = PairHarness.CreateRemote(sshd);
        await pair.StartAsync();

        Directory.CreateDirectory(pair.L("burst"));
        for (var i = 0; i < 500; i++)
        {
            await File.WriteAllTextAsync(pair.L($"burst/f{i:D3}"), $"{i}");
            if (i == 100)
            {
                await sshd.StopAsync();
            }
        }
        await File.WriteAllTextAsync(pair.R("right-while-down.txt"), "right");
        await sshd.RestartAsync();

        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(40));
        Assert.Equal(500, Directory.GetFiles(pair.R("burst")).Length);
        Assert.Equal("right", await File.ReadAllTextAsync(pair.L("right-while-down.txt")));
    }

    [Fact]
    public async Task ChangedHostKey_IsRefusedNamingBothFingerprints()
    {
        await using var pair = PairHarness.CreateRemote(sshd);
        await pair.StartAsync();
        var pinned = sshd.HostKeyFingerprint;
        await pair.StopAsync();

        await sshd.RestartWithNewHostKeyAsync();
        var refused = await Assert.ThrowsAsync<PairException>(() => pair.RestartAsync());

        Assert.Contains(pinned, refused.Message);
        Assert.Contains(sshd.HostKeyFingerprint, refused.Message);
    }
}

/// <summary>A host of its own, so that nothing was deployed there before.</summary>
public sealed class RemoteDeployTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    [Fact]
    public async Task FreshHost_AgentDeployedThenReusedOnRestart()
    {
        await using var pair = PairHarness.CreateRemote(sshd);
        await pair.StartAsync();
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Connect && e.Detail.Contains("installed", StringComparison.Ordinal));

        await pair.StopAsync();
        await pair.RestartAsync();

        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Connect && e.Detail.Contains("already on", StringComparison.Ordinal));
        Assert.DoesNotContain(pair.Pair.History, e => e.Detail.StartsWith("uploading", StringComparison.Ordinal));
    }
}

public sealed class RemoteCliTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    /// <param name="published">The psync scripts/build.sh publishes compiled ahead (NativeAOT: SSH.NET and its ciphers trimmed), not this build's psync.dll.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PsyncDashR_SyncOnlyOverSsh_ExitsZeroWithTreesEqual(bool published)
    {
        Task<Cli.PsyncProcess.Result> Psync(params string[] args) =>
            published ? Cli.PsyncProcess.RunPublishedAsync(new Dictionary<string, string?>(), args) : Cli.PsyncProcess.RunAsync(args);
        var dir = Directory.CreateTempSubdirectory("psync-cli-remote-").FullName;
        var left = Directory.CreateDirectory(Path.Combine(dir, "left")).FullName;
        var right = Directory.CreateDirectory(Path.Combine(dir, "right tree")).FullName;
        await File.WriteAllTextAsync(Path.Combine(left, "l.txt"), "left");
        await File.WriteAllTextAsync(Path.Combine(right, "r.txt"), "right");

        var unknown = await Psync("-s", "-r", $"{sshd.Address.User}@127.0.0.1:{sshd.Address.Port}", "-i", sshd.Ed25519Key,
            "--agent", RemoteTestFiles.AgentPath(), "--data-dir", Path.Combine(dir, "data"), left, right);
        var run = await Psync("-s", "-r", $"{sshd.Address.User}@127.0.0.1:{sshd.Address.Port}", "-i", sshd.Ed25519Key,
            "--accept-host-key", sshd.HostKeyFingerprint, "--agent", RemoteTestFiles.AgentPath(), "--data-dir", Path.Combine(dir, "data"), left, right);

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains($"--accept-host-key {sshd.HostKeyFingerprint}", unknown.Stderr);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("left", await File.ReadAllTextAsync(Path.Combine(right, "l.txt")));
        Assert.Equal("right", await File.ReadAllTextAsync(Path.Combine(left, "r.txt")));
        Directory.Delete(dir, recursive: true);
    }
}

public sealed class RemotePromptTests(SshdFixture sshd) : IClassFixture<SshdFixture>
{
    [Fact]
    public async Task PsyncDashR_AtATerminal_AsksToTrustTheHostKeyAndGoesOnWhenConfirmed()
    {
        var dir = Directory.CreateTempSubdirectory("psync-cli-prompt-").FullName;
        var left = Directory.CreateDirectory(Path.Combine(dir, "left")).FullName;
        var right = Directory.CreateDirectory(Path.Combine(dir, "right")).FullName;
        await File.WriteAllTextAsync(Path.Combine(left, "l.txt"), "left");
        // script(1) gives psync a terminal; the command line holds only this test's own paths.
        var command = Psync.Engine.Remote.ShellQuote.Join(
            "dotnet", Path.Combine(AppContext.BaseDirectory, "psync.dll"), "-s", "-r", $"{sshd.Address.User}@127.0.0.1:{sshd.Address.Port}",
            "-i", sshd.Ed25519Key, "--agent", RemoteTestFiles.AgentPath(), "--data-dir", Path.Combine(dir, "data"), left, right);
        var psi = new System.Diagnostics.ProcessStartInfo("script", ["-qec", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var script = System.Diagnostics.Process.Start(psi)!;
        var output = script.StandardOutput.ReadToEndAsync();
        await script.StandardInput.WriteLineAsync("y");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await script.WaitForExitAsync(deadline.Token);

        var text = await output;
        Assert.True(script.ExitCode == 0, text);
        Assert.Contains(sshd.HostKeyFingerprint, text);
        Assert.Contains("[y/N]", text);
        Assert.Equal("left", await File.ReadAllTextAsync(Path.Combine(right, "l.txt")));
        Directory.Delete(dir, recursive: true);
    }
}
