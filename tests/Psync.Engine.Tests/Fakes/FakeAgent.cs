using System.Collections.Concurrent;
using System.IO.Pipelines;
using Psync.Engine.Agents;
using Psync.Protocol;

namespace Psync.Engine.Tests.Fakes;

/// <summary>
/// An agent in memory: a tree of path → state, served over the real framed protocol through two
/// in-process pipes, so the engine's <see cref="AgentConnection"/>, session, executor and reconcile
/// run unchanged, without processes, inotify or a file system. It records every operation it is
/// asked for; <see cref="Refuse"/> makes operations fail; <see cref="ReportAsync"/> plays a user's change.
/// </summary>
internal sealed class FakeAgent : IAsyncDisposable
{
    private readonly Pipe _toAgent = new();
    private readonly Pipe _fromAgent = new();
    private readonly FrameWriter _out;
    private readonly SortedDictionary<string, FileState> _tree = new(PathOrder.Instance);
    private readonly Lock _lock = new();
    private readonly Task _loop;
    private long _seq;

    public FakeAgent(string root, IEnumerable<(string Path, FileState State)>? tree = null)
    {
        Root = root;
        foreach (var (path, state) in tree ?? [])
        {
            _tree[path] = state;
        }
        _out = new FrameWriter(_fromAgent.Writer.AsStream());
        Connection = new AgentConnection(_toAgent.Writer.AsStream(), _fromAgent.Reader.AsStream(), this);
        _loop = Task.Run(ServeAsync);
    }

    public string Root { get; }

    /// <summary>The engine's end, for <see cref="SyncPair.AgentStarter"/>.</summary>
    public AgentConnection Connection { get; }

    /// <summary>Every operation asked for, in order.</summary>
    public ConcurrentQueue<Operation> Operations { get; } = new();

    /// <summary>Called with each operation before it is applied and answered (on the agent's loop).</summary>
    public Action<Operation>? BeforeAnswer { get; set; }

    /// <summary>When set, an operation it returns a message for fails with that message (OpStatus.Error).</summary>
    public Func<Operation, string?>? Refuse { get; set; }

    /// <summary>When set, this agent is not root: a <see cref="SetAttrOp"/>'s owner is not set (<see cref="OpReason.OwnerNotSet"/>).</summary>
    public bool NotRoot { get; set; }

    /// <summary>How many scans the engine asked for.</summary>
    public int Scans => Volatile.Read(ref _scans);

    private int _scans;

    public static FileState File(long size, long mtimeNs = 1_700_000_000_000_000_000, ulong inode = 1) =>
        new(EntryKind.File, size, mtimeNs, 0x81A4, inode, mtimeNs, null);

    public FileState this[string path]
    {
        get
        {
            lock (_lock)
            {
                return _tree.GetValueOrDefault(path);
            }
        }
    }

    /// <summary>A change a user made on this side: the tree takes it and the engine hears of it, as from inotify.</summary>
    public async Task ReportAsync(string path, FileState state)
    {
        long seq;
        lock (_lock)
        {
            if (state.Exists)
            {
                _tree[path] = state;
            }
            else
            {
                _tree.Remove(path);
            }
            seq = ++_seq;
        }
        await _out.SendAsync(new Changes([new Change(ChangeKind.Changed, path, null, state, seq)]));
    }

    /// <summary>Sends a message as the agent would by itself (a rescan request, a log line).</summary>
    public Task SendAsync(Message message) => _out.SendAsync(message);

    private async Task ServeAsync()
    {
        var input = _toAgent.Reader.AsStream();
        await _out.SendAsync(new Hello("0.0.0-fake", Message.ProtocolVersion, Root, true, true, "3.2.7", 8192, 16384, 128, true));
        var frames = new FrameReader(input);
        while (await frames.ReadAsync(CancellationToken.None) is { } message)
        {
            switch (message)
            {
                case Watch:
                    await _out.SendAsync(new WatchReady(1));
                    break;
                case Scan scan:
                    Interlocked.Increment(ref _scans);
                    List<ScanEntry> entries;
                    long start;
                    lock (_lock)
                    {
                        start = _seq;
                        entries = [.. _tree
                            .Where(e => (scan.Path.Length == 0 || PathOrder.IsSameOrBelow(e.Key, scan.Path)) && (scan.After.Length == 0 || PathOrder.Instance.Compare(e.Key, scan.After) > 0))
                            .Take(scan.Limit > 0 ? scan.Limit : int.MaxValue)
                            .Select(e => new ScanEntry(e.Key, e.Value, _seq))];
                    }
                    await _out.SendAsync(new ScanEntries(scan.RequestId, entries));
                    await _out.SendAsync(new ScanDone(scan.RequestId, entries.Count, null, [], start));
                    break;
                case OpRequest request:
                    Operations.Enqueue(request.Op);
                    BeforeAnswer?.Invoke(request.Op);
                    await _out.SendAsync(Apply(request.RequestId, request.Op));
                    break;
                case ListTrash list:
                    await _out.SendAsync(new TrashEntries(list.RequestId, [], true));
                    break;
            }
        }
    }

    private OpResult Apply(int id, Operation op)
    {
        if (Refuse?.Invoke(op) is { } refusal)
        {
            return new OpResult(id, OpStatus.Error, FileState.Absent, refusal, null);
        }
        lock (_lock)
        {
            var seq = ++_seq;
            switch (op)
            {
                case StatOp stat:
                    return new OpResult(id, OpStatus.Ok, _tree.GetValueOrDefault(stat.Path), null, null, seq);
                case DeleteOp delete:
                    var found = _tree.GetValueOrDefault(delete.Path);
                    if (!delete.Expect.Admits(found))
                    {
                        return new OpResult(id, OpStatus.Conflict, found, "changed", null, seq, OpReason.TargetChanged);
                    }
                    foreach (var path in _tree.Keys.Where(p => PathOrder.IsSameOrBelow(p, delete.Path)).ToList())
                    {
                        _tree.Remove(path);
                    }
                    return new OpResult(id, OpStatus.Ok, FileState.Absent, null, null, seq);
                case SetAttrOp set:
                    var now = _tree.GetValueOrDefault(set.Path);
                    if (!now.Exists || !set.Expect.Admits(now))
                    {
                        return new OpResult(id, OpStatus.Conflict, now, "changed", null, seq, OpReason.TargetChanged);
                    }
                    now = now with { Mode = set.Mode ?? now.Mode, MtimeNs = set.MtimeNs ?? now.MtimeNs };
                    var refused = set.Owner is not null && NotRoot;
                    if (set.Owner is { } owner && !NotRoot)
                    {
                        now = now with { Uid = owner.Uid, Gid = owner.Gid };
                    }
                    _tree[set.Path] = now;
                    return refused
                        ? new OpResult(id, OpStatus.Ok, now, "owner not set: Operation not permitted (the agent is not root)", null, seq, OpReason.OwnerNotSet)
                        : new OpResult(id, OpStatus.Ok, now, null, null, seq);
                default:
                    return new OpResult(id, OpStatus.Ok, FileState.Absent, null, null, seq);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _toAgent.Writer.CompleteAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _fromAgent.Writer.CompleteAsync();
    }
}
