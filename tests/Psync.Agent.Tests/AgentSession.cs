using System.Collections.Concurrent;
using System.Threading.Channels;
using Psync.Agent.Tests.Launchers;
using Psync.Engine.Agents;
using Psync.Protocol;

namespace Psync.Agent.Tests;

/// <summary>A temp root with the real psync-agent serving it, started by one of the launchers.</summary>
internal sealed class AgentSession : IAsyncDisposable
{
    private readonly List<Message> _seen = [];
    private readonly ConcurrentQueue<string> _stderr = new();

    private AgentSession(IAgentLauncher launcher, string root)
    {
        Launcher = launcher;
        Root = root;
    }

    public IAgentLauncher Launcher { get; }

    /// <summary>The tree's path on this host, through which the test reads and writes it.</summary>
    public string Root { get; }

    /// <summary>The tree's path as the agent knows it (<c>/tree</c> in the empty root).</summary>
    public string AgentRoot => Launcher.SeenByAgent(Root, Root);

    public TimeSpan Deadline => Launcher.Deadline;

    public AgentConnection Connection { get; private set; } = null!;

    public Hello Hello { get; private set; } = null!;

    /// <summary>Starts the agent on <paramref name="root"/> (a tree from <see cref="IAgentLauncher.NewRoot"/>), or on a new empty tree.</summary>
    public static async Task<AgentSession> StartAsync(IAgentLauncher launcher, string? root = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var session = new AgentSession(launcher, root ?? launcher.NewRoot());
        session.Connection = launcher.Start(session.Root, environment, onStderr: session._stderr.Enqueue);
        try
        {
            session.Hello = await session.Connection.HelloAsync(session.Deadline);
        }
        catch (Exception e) when (e is TimeoutException or AgentException or OperationCanceledException)
        {
            await session.DisposeAsync();
            throw new AgentException($"no hello from the agent ({launcher.Kind}): {e.Message}; stderr: {session.Stderr}", e);
        }
        return session;
    }

    public string Full(string relative) => Path.Combine(Root, relative);

    /// <summary>A new empty folder beside the tree (in its sandbox, so that the agent can see it too); its path on this host.</summary>
    public string NewOutsideDirectory() => Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(Root)!, $"outside-{Guid.NewGuid():N}")).FullName;

    /// <summary>The path the agent knows <paramref name="hostPath"/> by.</summary>
    public string SeenByAgent(string hostPath) => Launcher.SeenByAgent(Root, hostPath);

    public async Task<OpResult> RunAsync(Operation op)
    {
        try
        {
            return await Connection.RunAsync(op).WaitAsync(Deadline);
        }
        catch (AgentException e)
        {
            throw new AgentException($"{e.Message}; stderr: {Stderr}", e);
        }
    }

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

    /// <summary>
    /// SIGSTOP to the agent's cinotify (a native agent's) until disposed: what happens meanwhile
    /// is queued by the kernel and read after, so every event is handled after what the test did
    /// while it was held.
    /// </summary>
    public IDisposable HoldWatcher()
    {
        var pids = new List<string>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            string[] args;
            try
            {
                args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (IOException)
            {
                continue; // not a process, or gone meanwhile
            }
            if (args is [var program, var root] && program.EndsWith("/cinotify", StringComparison.Ordinal) && root == AgentRoot)
            {
                pids.Add(Path.GetFileName(dir));
            }
        }
        Assert.Single(pids);
        Signal("-STOP", pids[0]);
        return new Resume(() => Signal("-CONT", pids[0]));
    }

    private static void Signal(string signal, string pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [signal, pid]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private sealed class Resume(Action resume) : IDisposable
    {
        public void Dispose() => resume();
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
            throw new TimeoutException($"no matching {typeof(T).Name} within {Deadline}; seen: {string.Join("; ", _seen)}; stderr: {Stderr}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the agent went away; seen: {string.Join("; ", _seen)}; stderr: {Stderr}");
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

    /// <summary>What the agent wrote to stderr so far, for failure messages.</summary>
    private string Stderr => string.Join(" | ", _stderr);

    /// <summary>Every change seen so far.</summary>
    public IEnumerable<Change> SeenChanges => _seen.OfType<Changes>().SelectMany(c => c.Items);

    /// <summary>Every event message seen so far.</summary>
    public IReadOnlyList<Message> Seen => _seen;

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }
        Sandbox.Delete(Root);
    }
}
