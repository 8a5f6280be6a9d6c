using Psync.Engine.Agents;
using Psync.Engine.Tests.Sync;

namespace Psync.Engine.Tests.Agents;

/// <summary>A request made after the agent's stream ended fails at once with an AgentException, never waits forever.</summary>
public sealed class AgentGoneTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string _root = Directory.CreateTempSubdirectory("psync-gone-").FullName;
    private AgentConnection _agent = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "f"), "x");
        _agent = LocalAgent.Start(Psync.Tests.RepoFiles.PublishedAgent(), _root);
        await _agent.HelloAsync(Deadline);
        PairHarness.KillAgentServing(_root);
        try
        {
            await _agent.Completion.WaitAsync(Deadline);
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            // the stream broke rather than ended: gone all the same
        }
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Scan_AfterTheAgentDied_FailsAtOnce() =>
        await Assert.ThrowsAsync<AgentException>(async () =>
        {
            await foreach (var _ in _agent.ScanAsync(new ScanSummary()).WithCancellation(new CancellationTokenSource(Deadline).Token))
            {
            }
        });

    [Fact]
    public async Task ListTrash_AfterTheAgentDied_FailsAtOnce() =>
        await Assert.ThrowsAsync<AgentException>(() => _agent.ListTrashAsync(new CancellationTokenSource(Deadline).Token));
}
