using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Sync;

/// <summary>One started pair per test; a suite's local and ssh variants differ only in <see cref="Create"/>.</summary>
public abstract class PairTestBase : IAsyncLifetime
{
    private protected PairHarness Harness { get; private set; } = null!;

    private protected abstract PairHarness Create();

    public static TheoryData<Side> Sides() => [Side.Left, Side.Right];

    /// <summary>The path <paramref name="rel"/> in <paramref name="side"/>'s tree.</summary>
    private protected string At(Side side, string rel) => side == Side.Left ? Harness.L(rel) : Harness.R(rel);

    public async Task InitializeAsync()
    {
        Harness = Create();
        await Harness.StartAsync();
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
