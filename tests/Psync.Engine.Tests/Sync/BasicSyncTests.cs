namespace Psync.Engine.Tests.Sync;

public sealed class BasicSyncTests : IAsyncLifetime
{
    private PairHarness _pair = null!;

    public async Task InitializeAsync()
    {
        _pair = PairHarness.Create();
        await _pair.StartAsync();
    }

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task Create_OnEitherSide_AppearsOnTheOther()
    {
        await File.WriteAllTextAsync(_pair.L("from-left.txt"), "left");
        await File.WriteAllTextAsync(_pair.R("from-right.txt"), "right");

        await _pair.WaitConvergedAsync();

        Assert.Equal("left", await File.ReadAllTextAsync(_pair.R("from-left.txt")));
        Assert.Equal("right", await File.ReadAllTextAsync(_pair.L("from-right.txt")));
    }
}
