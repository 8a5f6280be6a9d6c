using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>
/// Over ssh, the agent on the host starts rsync's remote end (psync-agent --serve-rsync and
/// --rsync-stream, through the pair's forward), so a batch does not start the user's login shell.
/// The host's <c>.bashrc</c> counts the shells sshd starts.
/// </summary>
public sealed class RsyncStreamTests : IAsyncLifetime
{
    private const string CountingBashrc = "echo shell >> \"$HOME/shells\"";

    private SshdFixture _sshd = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sshd.DisposeAsync();

    [Fact]
    public async Task BatchesBothWays_StartNoLoginShell()
    {
        // Arrange
        _sshd = new SshdFixture { Bashrc = CountingBashrc };
        await _sshd.InitializeAsync();
        await using var pair = PairHarness.CreateRemote(_sshd);
        await pair.StartAsync();
        var shellsAtStart = Shells();

        // Act: batches from the left (push), then from the right (pull), one file and a burst each.
        await File.WriteAllTextAsync(pair.L("one.txt"), "left");
        await pair.WaitConvergedAsync();
        Directory.CreateDirectory(pair.L("burst"));
        for (var i = 0; i < 300; i++)
        {
            await File.WriteAllTextAsync(pair.L($"burst/f{i:D3}"), $"{i}");
        }
        await pair.WaitConvergedAsync();
        await File.WriteAllTextAsync(pair.R("from-right.txt"), "right");
        await pair.WaitConvergedAsync();

        // Assert
        Assert.Equal("right", await File.ReadAllTextAsync(pair.L("from-right.txt")));
        Assert.Equal(300, Directory.GetFiles(pair.R("burst")).Length);
        Assert.True(pair.Pair.Counters.RsyncRuns >= 3, $"{pair.Pair.Counters.RsyncRuns} rsync runs");
        Assert.Equal(shellsAtStart, Shells());
        Assert.DoesNotContain(pair.Pair.History, e => e.Detail.Contains("login shell", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostRefusesTheForward_TransfersGoThroughTheLoginShellAndSaySo()
    {
        // Arrange
        _sshd = new SshdFixture { Bashrc = CountingBashrc, ExtraConfig = ["AllowStreamLocalForwarding no"] };
        await _sshd.InitializeAsync();
        await using var pair = PairHarness.CreateRemote(_sshd);
        await pair.StartAsync();
        var shellsAtStart = Shells();

        // Act
        await File.WriteAllTextAsync(pair.L("one.txt"), "left");
        await File.WriteAllTextAsync(pair.R("two.txt"), "right");
        await pair.WaitConvergedAsync();

        // Assert
        Assert.Equal(("left", "right"), (await File.ReadAllTextAsync(pair.R("one.txt")), await File.ReadAllTextAsync(pair.L("two.txt"))));
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Connect && e.Detail.Contains("each transfer starts rsync through a login shell", StringComparison.Ordinal));
        Assert.True(Shells() > shellsAtStart, "rsync ran without a login shell although the forward was refused");
    }

    private int Shells()
    {
        var file = Path.Combine(_sshd.Home, "shells");
        return File.Exists(file) ? File.ReadAllLines(file).Length : 0;
    }
}
