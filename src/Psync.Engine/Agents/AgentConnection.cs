using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Psync.Protocol;

namespace Psync.Engine.Agents;

/// <summary>
/// The engine's end of one agent's framed stream. A local agent and one reached over SSH differ
/// only in how the two streams are opened. Requests are matched to answers by id; scans are
/// streamed; everything the agent says by itself (changes, rescan requests, logs) arrives on
/// <see cref="Events"/>.
/// </summary>
public sealed class AgentConnection : IAsyncDisposable
{
    private readonly FrameWriter _writer;
    private readonly Stream _input;
    private readonly IAsyncDisposable? _owner;
    private readonly ConcurrentDictionary<int, (PendingOps Ops, int Index)> _ops = new();
    private readonly ConcurrentDictionary<int, Channel<Message>> _streams = new();
    private readonly Channel<Message> _events = Channel.CreateUnbounded<Message>(new() { SingleReader = true });
    private readonly TaskCompletionSource<Hello> _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private int _nextId;
    private int _disposed;
    private volatile AgentException? _gone;

    /// <param name="toAgent">The agent's standard input.</param>
    /// <param name="fromAgent">The agent's standard output.</param>
    /// <param name="owner">Disposed with the connection (the process or SSH channel behind the streams).</param>
    public AgentConnection(Stream toAgent, Stream fromAgent, IAsyncDisposable? owner = null)
    {
        _writer = new FrameWriter(toAgent);
        _input = fromAgent;
        _owner = owner;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Changes, WatchReady, RescanNeeded, RootGone and Log messages, in the order the agent sent them. Completes when the connection ends.</summary>
    public ChannelReader<Message> Events => _events.Reader;

    /// <summary>The local agent's process id (for resource figures); null for a remote agent.</summary>
    public int? ProcessId { get; init; }

    /// <summary>Completes when the agent's stream ends; faulted if it broke.</summary>
    public Task Completion => _reader;

    /// <summary>Waits for the agent's hello.</summary>
    public async Task<Hello> HelloAsync(TimeSpan timeout, CancellationToken ct = default) =>
        await _hello.Task.WaitAsync(timeout, ct).ConfigureAwait(false);

    /// <summary>Sets the agent's excludes and temp-file patterns (regular expressions, see <see cref="PathPatterns"/>; paths they match are neither listed nor watched) and which extended attributes it reads.</summary>
    public Task ConfigureAsync(IReadOnlyList<string> excludes, IReadOnlyList<string> tempfiles, CancellationToken ct = default, XattrScope xattrs = XattrScope.None) =>
        SendAsync(w => w.SendAsync(new Configure(excludes, tempfiles, xattrs), ct));

    /// <summary>Starts the watch; a <see cref="WatchReady"/> on <see cref="Events"/> says when it is in place.</summary>
    public Task WatchAsync(CancellationToken ct = default) => SendAsync(w => w.SendAsync(new Watch(), ct));

    /// <summary>Sends one operation and waits for its answer.</summary>
    public async Task<OpResult> RunAsync(Operation op, CancellationToken ct = default) =>
        (await RunManyAsync([op], ct).ConfigureAwait(false))[0];

    /// <summary>Sends several operations in order without waiting between them (the agent applies them in that order) and returns their answers in the same order.</summary>
    public async Task<OpResult[]> RunManyAsync(IReadOnlyList<Operation> ops, CancellationToken ct = default)
    {
        if (ops.Count == 0)
        {
            return []; // nothing to send (a batch committed whole while rsync ran)
        }
        var requests = new OpRequest[ops.Count];
        var pending = new PendingOps(ops.Count);
        for (var i = 0; i < ops.Count; i++)
        {
            var id = Interlocked.Increment(ref _nextId);
            _ops[id] = (pending, i);
            requests[i] = new OpRequest(id, ops[i]);
        }
        try
        {
            await SendAsync(w => w.SendManyAsync(requests, ct)).ConfigureAwait(false);
            return await pending.Done.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var request in requests)
            {
                _ops.TryRemove(request.RequestId, out _);
            }
        }
    }

    /// <summary>
    /// Streams the agent's tree (or the subtree at <paramref name="subtree"/>, itself first) in
    /// <see cref="PathOrder"/>. Entries arrive with backpressure, so do not wait for an operation
    /// on this connection while enumerating. A page starts after <paramref name="after"/> and holds
    /// at most <paramref name="limit"/> entries (0: all).
    /// </summary>
    public async IAsyncEnumerable<ScanEntry> ScanAsync(ScanSummary summary, [EnumeratorCancellation] CancellationToken ct = default, string subtree = "", string after = "", int limit = 0)
    {
        var (id, channel) = OpenStream();
        try
        {
            await SendAsync(w => w.SendAsync(new Scan(id, subtree, after, limit), ct)).ConfigureAwait(false);
            await foreach (var message in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (message is ScanDone done)
                {
                    if (done.Error is not null)
                    {
                        throw new AgentException($"scan failed: {done.Error}");
                    }
                    summary.Count = done.Count;
                    summary.Unreadable = done.Unreadable;
                    summary.StartSeq = done.StartSeq;
                    yield break;
                }
                foreach (var entry in ((ScanEntries)message).Entries)
                {
                    yield return entry;
                }
            }
            throw new AgentException("the agent went away during a scan");
        }
        finally
        {
            _streams.TryRemove(id, out _);
        }
    }

    /// <summary>Lists the agent's trash (<c>.psync/trash/</c>), oldest first.</summary>
    /// <exception cref="AgentException">The agent could not read its trash, or went away.</exception>
    public async Task<IReadOnlyList<TrashItem>> ListTrashAsync(CancellationToken ct = default)
    {
        var (id, channel) = OpenStream();
        try
        {
            await SendAsync(w => w.SendAsync(new ListTrash(id), ct)).ConfigureAwait(false);
            var items = new List<TrashItem>();
            await foreach (var message in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var part = (TrashEntries)message;
                if (part.Error is not null)
                {
                    throw new AgentException($"cannot list the trash: {part.Error}");
                }
                items.AddRange(part.Items);
                if (part.Last)
                {
                    return items;
                }
            }
            throw new AgentException("the agent went away while listing its trash");
        }
        finally
        {
            _streams.TryRemove(id, out _);
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            var frames = new FrameReader(_input);
            while (await frames.ReadAsync(_stop.Token).ConfigureAwait(false) is { } message)
            {
                switch (message)
                {
                    case Hello hello:
                        _hello.TrySetResult(hello);
                        break;
                    case OpResult result when _ops.TryRemove(result.RequestId, out var awaited):
                        awaited.Ops.Answer(awaited.Index, result);
                        break;
                    case ScanEntries entries when _streams.TryGetValue(entries.RequestId, out var scan):
                        await scan.Writer.WriteAsync(entries, _stop.Token).ConfigureAwait(false);
                        break;
                    case ScanDone done when _streams.TryGetValue(done.RequestId, out var scan):
                        await scan.Writer.WriteAsync(done, _stop.Token).ConfigureAwait(false);
                        scan.Writer.TryComplete();
                        break;
                    case TrashEntries part when _streams.TryGetValue(part.RequestId, out var list):
                        await list.Writer.WriteAsync(part, _stop.Token).ConfigureAwait(false);
                        if (part.Last)
                        {
                            list.Writer.TryComplete();
                        }
                        break;
                    default:
                        await _events.Writer.WriteAsync(message, _stop.Token).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or ProtocolException or OperationCanceledException or ObjectDisposedException)
        {
            failure = e is OperationCanceledException ? null : e;
        }
        var gone = new AgentException(failure is null ? "the agent went away (it closed the connection)" : $"the agent went away (the connection broke: {failure.Message})", failure);
        _gone = gone; // set before failing the waiting ones: a request registered after this sees it
        _hello.TrySetException(gone);
        foreach (var (ops, _) in _ops.Values)
        {
            ops.Done.TrySetException(gone);
        }
        foreach (var scan in _streams.Values)
        {
            scan.Writer.TryComplete(gone);
        }
        _events.Writer.TryComplete(failure is null ? null : gone);
    }

    /// <summary>
    /// The answers awaited for one request of operations, filled in as they come; it completes
    /// with the last. One completion per request, not one per operation: each completed on its
    /// own woke a pool thread, 10,000 of them for a burst's early commits.
    /// </summary>
    private sealed class PendingOps(int count)
    {
        private readonly OpResult[] _results = new OpResult[count];
        private int _left = count;

        public TaskCompletionSource<OpResult[]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer(int index, OpResult result)
        {
            _results[index] = result;
            if (Interlocked.Decrement(ref _left) == 0)
            {
                Done.TrySetResult(_results);
            }
        }
    }

    /// <summary>Registers a streamed answer (a scan, a trash listing), to be removed by the caller.</summary>
    private (int Id, Channel<Message> Channel) OpenStream()
    {
        var id = Interlocked.Increment(ref _nextId);
        var channel = Channel.CreateBounded<Message>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        _streams[id] = channel;
        return (id, channel);
    }

    /// <summary>
    /// Sends, after the request's answer is registered. A request registered before the stream
    /// ended is failed by the read loop; one registered after would wait for ever, so it fails
    /// here. A write into a connection that broke is an <see cref="AgentException"/> too, like
    /// every other sign that the agent went away.
    /// </summary>
    private async Task SendAsync(Func<FrameWriter, Task> send)
    {
        if (_gone is { } gone)
        {
            throw new AgentException(gone.Message, gone.InnerException);
        }
        try
        {
            await send(_writer).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw _gone is { } broken ? new AgentException(broken.Message, e) : new AgentException($"the agent went away (the connection broke: {e.Message})", e);
        }
    }

    /// <summary>Ends the agent: closes its input, waits briefly for it to exit, and stops it otherwise.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            await _writer.SendAsync(new Shutdown()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // already gone
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_owner is not null)
        {
            await _owner.DisposeAsync().ConfigureAwait(false);
        }
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}

/// <summary>Filled in when a scan completes.</summary>
public sealed class ScanSummary
{
    /// <summary>How many entries the scan listed.</summary>
    public long Count { get; set; }

    /// <summary>Directories whose contents are unknown (unreadable): nothing below them may be taken as deleted.</summary>
    public IReadOnlyList<string> Unreadable { get; set; } = [];

    /// <summary>The agent's sequence number when the scan began: a path the scan did not list was absent after it.</summary>
    public long StartSeq { get; set; }
}

/// <summary>The agent failed, went away, or answered something unusable.</summary>
public sealed class AgentException(string message, Exception? inner = null) : Exception(message, inner);
