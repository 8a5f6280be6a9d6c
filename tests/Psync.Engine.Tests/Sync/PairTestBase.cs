namespace Psync.Engine.Tests.Sync;

/// <summary>One started pair per test; a suite's local and ssh variants differ only in <see cref="Create"/>.</summary>
public abstract class PairTestBase : IAsyncLifetime
{
    private protected PairHarness Harness { get; private set; } = null!;

    private protected abstract PairHarness Create();

    public async Task InitializeAsync()
    {
        Harness = Create();
        await Harness.StartAsync();
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
