using System.Threading.Channels;
using Psync.Engine.Agents;
using Psync.Protocol;

namespace Psync.Agent.Tests;

/// <summary>A temp root with the real NativeAOT psync-agent serving it.</summary>
internal sealed class AgentSession : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly List<Message> _seen = [];

    private AgentSession(string root, AgentConnection connection)
    {
        Root = root;
        Connection = connection;
    }

    public string Root { get; }

    public AgentConnection Connection { get; }

    public Hello Hello { get; private set; } = null!;

    public static string AgentPath => Psync.Tests.RepoFiles.PublishedAgent();

    public static async Task<AgentSession> StartAsync(string? root = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        root ??= Directory.CreateTempSubdirectory("psync-agent-").FullName;
        var connection = LocalAgent.Start(AgentPath, root, environment: environment);
        var session = new AgentSession(root, connection);
        session.Hello = await connection.HelloAsync(Deadline);
        return session;
    }

    public string Full(string relative) => Path.Combine(Root, relative);

    public async Task<OpResult> RunAsync(Operation op) => await Connection.RunAsync(op).WaitAsync(Deadline);

    public async Task<FileState> StatAsync(string relative) => (await RunAsync(new StatOp(relative))).State;

    public async Task<IReadOnlyList<TrashItem>> ListTrashAsync() => await Connection.ListTrashAsync().WaitAsync(Deadline);

    public async Task<List<ScanEntry>> ScanAsync(ScanSummary? summary = null)
    {
        var result = new List<ScanEntry>();
        await foreach (var entry in Connection.ScanAsync(summary ?? new ScanSummary()))
        {
            result.Add(entry);
        }
        return result;
    }

    /// <summary>Starts the watch and waits until it is in place.</summary>
    public async Task WatchAsync()
    {
        await Connection.WatchAsync();
        await WaitForAsync<WatchReady>(_ => true);
    }

    /// <summary>Waits (with <see cref="Deadline"/>) for an event message matching <paramref name="match"/>; earlier ones are kept for <see cref="SeenChanges"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match) where T : Message
    {
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            while (true)
            {
                var message = await Connection.Events.ReadAsync(cts.Token);
                _seen.Add(message);
                if (message is T t && match(t))
                {
                    return t;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no matching {typeof(T).Name} within {Deadline}; seen: {string.Join("; ", _seen)}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the agent went away; seen: {string.Join("; ", _seen)}");
        }
    }

    /// <summary>Waits for a change of <paramref name="path"/> and returns it.</summary>
    public async Task<Change> WaitForChangeAsync(string path, Func<Change, bool>? match = null)
    {
        // One Changes message may carry several awaited paths: look at what was seen first.
        var found = SeenChanges.FirstOrDefault(i => i.Path == path && (match is null || match(i)));
        if (found is not null)
        {
            return found;
        }
        await WaitForAsync<Changes>(c =>
        {
            found = c.Items.FirstOrDefault(i => i.Path == path && (match is null || match(i)));
            return found is not null;
        });
        return found!;
    }

    /// <summary>Every change seen so far.</summary>
    public IEnumerable<Change> SeenChanges => _seen.OfType<Changes>().SelectMany(c => c.Items);

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
