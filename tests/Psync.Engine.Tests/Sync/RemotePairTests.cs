using Psync.Engine.Sync;
using Psync.Engine.Tests.Remote;

namespace Psync.Engine.Tests.Sync;

/// <summary>A pair whose right side is reached over a real sshd on loopback, with its own root path.</summary>
public sealed class RemotePairTests(SshdFixture sshd) : IClassFixture<SshdFixture>, IAsyncLifetime
{
    private PairHarness _pair = null!;

    public async Task InitializeAsync()
    {
        _pair = PairHarness.Create(o => o with
        {
            RemoteHost = $"{sshd.Address.User}@127.0.0.1:{sshd.Address.Port}",
            Identity = sshd.Ed25519Key,
            AcceptHostKey = sshd.HostKeyFingerprint,
            AgentPath = RemoteTestFiles.AgentPath(),
        });
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
        Assert.Contains(_pair.Pair.History, e => e.Kind == "connect");
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
}
