namespace Psync.Protocol;

/// <summary>
/// Every message of the engine↔agent protocol. A message travels as one frame:
/// u32 little-endian length of what follows, one type byte, the payload (<see cref="Frames"/>).
/// </summary>
public abstract record Message
{
    /// <summary>Bumped on every incompatible change; the hello carries it.</summary>
    /// <remarks>2: <see cref="ListTrash"/>, <see cref="TrashEntries"/> and <see cref="RestoreOp"/>. 3: paged scans
    /// (<see cref="Scan"/>'s After and Limit). 4: <see cref="OpResult.Reason"/>. 5: owners and the xattr digest in <see cref="FileState"/> and <see cref="SetAttrOp"/>, <see cref="SyncOp"/>, <see cref="GetXattrsOp"/>, <see cref="Configure.Xattrs"/>. 6: <see cref="ReadHeadOp"/>. 7: Hello.RsyncSocket. 8: <see cref="Horizon"/>.</remarks>
    public const int ProtocolVersion = 8;

    public abstract MessageType Type { get; }

    public abstract void Write(WireWriter w);

    public static Message Read(MessageType type, ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        return type switch
        {
            MessageType.Hello => Hello.Read(ref r),
            MessageType.Changes => Changes.Read(ref r),
            MessageType.RescanNeeded => new RescanNeeded(r.Str()),
            MessageType.ScanEntries => ScanEntries.Read(ref r),
            MessageType.ScanDone => new ScanDone(r.I32(), r.I64(), r.OptStr(), r.Strs(), r.I64()),
            MessageType.WatchReady => new WatchReady(r.I64()),
            MessageType.OpResult => new OpResult(r.I32(), (OpStatus)r.U8(), r.State(), r.OptStr(), r.OptStr(), r.I64(), (OpReason)r.U8()),
            MessageType.Log => new Log((LogLevel)r.U8(), r.Str()),
            MessageType.RootGone => new RootGone(r.Str()),
            MessageType.TrashEntries => TrashEntries.Read(ref r),
            MessageType.Horizon => new Horizon(r.I64()),
            MessageType.Configure => new Configure(r.Strs(), r.Strs(), (XattrScope)r.U8()),
            MessageType.Watch => new Watch(),
            MessageType.Scan => new Scan(r.I32(), r.Str(), r.Str(), r.I32()),
            MessageType.Op => new OpRequest(r.I32(), Operation.Read(ref r)),
            MessageType.Shutdown => new Shutdown(),
            MessageType.ListTrash => new ListTrash(r.I32()),
            _ => throw new ProtocolException($"unknown message type {(byte)type}"),
        };
    }
}

public enum MessageType : byte
{
    // agent → engine
    Hello = 1,
    Changes = 2,
    RescanNeeded = 3,
    ScanEntries = 4,
    ScanDone = 5,
    OpResult = 6,
    Log = 7,
    RootGone = 8,
    WatchReady = 9,
    TrashEntries = 10,
    Horizon = 11,

    // engine → agent
    Configure = 20,
    Watch = 21,
    Scan = 22,
    Op = 23,
    Shutdown = 24,
    ListTrash = 25,
}

/// <summary>The agent's first message: who it is and what it found on its host.</summary>
/// <remarks>RsyncSocket: with <c>--serve-rsync</c>, the unix socket where the agent starts rsync's remote end (see psync-agent's RsyncServer); null otherwise.</remarks>
public sealed record Hello(
    string AgentVersion,
    int Protocol,
    string Root,
    bool RootExists,
    bool RootWritable,
    string? RsyncVersion,
    long MaxUserWatches,
    long MaxQueuedEvents,
    long MaxUserInstances,
    bool CinotifyFound,
    string? RsyncSocket = null) : Message
{
    public override MessageType Type => MessageType.Hello;

    public override void Write(WireWriter w)
    {
        w.Str(AgentVersion);
        w.I32(Protocol);
        w.Str(Root);
        w.Bool(RootExists);
        w.Bool(RootWritable);
        w.OptStr(RsyncVersion);
        w.I64(MaxUserWatches);
        w.I64(MaxQueuedEvents);
        w.I64(MaxUserInstances);
        w.Bool(CinotifyFound);
        w.OptStr(RsyncSocket);
    }

    internal static Hello Read(ref WireReader r) =>
        new(r.Str(), r.I32(), r.Str(), r.Bool(), r.Bool(), r.OptStr(), r.I64(), r.I64(), r.I64(), r.Bool(), r.AtEnd ? null : r.OptStr()); // an older agent's hello ends before it: the engine names its protocol
}

public enum ChangeKind : byte
{
    /// <summary>The path now has <see cref="Change.State"/> (absent = deleted).</summary>
    Changed = 0,
    /// <summary>The path was renamed from <see cref="Change.FromPath"/>; <see cref="Change.State"/> is its state at the new path.</summary>
    Moved = 1,
}

/// <summary>
/// One change on the agent's side, with the new state it found by lstat. <see cref="Seq"/> orders
/// every state the agent reports: a change takes its number just before its lstat, an operation
/// result just after the operation, so a change numbered below an operation's result may predate
/// it and is superseded (any later change brings a new event with a higher number).
/// </summary>
public sealed record Change(ChangeKind Kind, string Path, string? FromPath, FileState State, long Seq);

/// <summary>A batch of changes seen by the watcher (one per read of cinotify's output).</summary>
public sealed record Changes(IReadOnlyList<Change> Items) : Message
{
    public override MessageType Type => MessageType.Changes;

    public override void Write(WireWriter w)
    {
        w.I32(Items.Count);
        foreach (var c in Items)
        {
            w.U8((byte)c.Kind);
            w.Str(c.Path);
            w.OptStr(c.FromPath);
            w.State(c.State);
            w.I64(c.Seq);
        }
    }

    internal static Changes Read(ref WireReader r)
    {
        var n = r.I32();
        if (n < 0)
        {
            throw new ProtocolException("bad change count");
        }
        var items = new List<Change>(Math.Min(n, 4096));
        for (var i = 0; i < n; i++)
        {
            items.Add(new Change((ChangeKind)r.U8(), r.Str(), r.OptStr(), r.State(), r.I64()));
        }
        return new Changes(items);
    }
}

/// <summary>Events were lost (queue overflow, watch limit): the engine must reconcile.</summary>
public sealed record RescanNeeded(string Reason) : Message
{
    public override MessageType Type => MessageType.RescanNeeded;

    public override void Write(WireWriter w) => w.Str(Reason);
}

/// <summary>The root was deleted, moved or unmounted.</summary>
public sealed record RootGone(string Reason) : Message
{
    public override MessageType Type => MessageType.RootGone;

    public override void Write(WireWriter w) => w.Str(Reason);
}

/// <summary>One path of a scan; <see cref="Seq"/> as in <see cref="Change"/>.</summary>
public sealed record ScanEntry(string Path, FileState State, long Seq);

/// <summary>Part of a scan's answer, in <see cref="PathOrder"/>.</summary>
public sealed record ScanEntries(int RequestId, IReadOnlyList<ScanEntry> Entries) : Message
{
    public override MessageType Type => MessageType.ScanEntries;

    public override void Write(WireWriter w)
    {
        w.I32(RequestId);
        w.I32(Entries.Count);
        foreach (var e in Entries)
        {
            w.Str(e.Path);
            w.State(e.State);
            w.I64(e.Seq);
        }
    }

    internal static ScanEntries Read(ref WireReader r)
    {
        var id = r.I32();
        var n = r.I32();
        if (n < 0)
        {
            throw new ProtocolException("bad entry count");
        }
        var entries = new ScanEntry[n];
        for (var i = 0; i < n; i++)
        {
            entries[i] = new ScanEntry(r.Str(), r.State(), r.I64());
        }
        return new ScanEntries(id, entries);
    }
}

/// <summary>
/// The end of a scan: how many entries were sent, or why it stopped. <see cref="Unreadable"/>
/// lists directories whose contents could not be read: what lies below them is unknown, not
/// deleted. <see cref="StartSeq"/> is the sequence number when the scan began: a path missing
/// from the scan was absent at some moment after it.
/// </summary>
public sealed record ScanDone(int RequestId, long Count, string? Error, IReadOnlyList<string> Unreadable, long StartSeq) : Message
{
    public override MessageType Type => MessageType.ScanDone;

    public override void Write(WireWriter w)
    {
        w.I32(RequestId);
        w.I64(Count);
        w.OptStr(Error);
        w.Strs(Unreadable);
        w.I64(StartSeq);
    }
}

/// <summary>The watch is in place: every change from now on is reported.</summary>
public sealed record WatchReady(long Watches) : Message
{
    public override MessageType Type => MessageType.WatchReady;

    public override void Write(WireWriter w) => w.I64(Watches);
}

/// <summary>
/// Every state the agent numbered below <see cref="Seq"/> has been sent (changes, scan entries,
/// operation results): a report numbered lower cannot come after this message.
/// </summary>
public sealed record Horizon(long Seq) : Message
{
    public override MessageType Type => MessageType.Horizon;

    public override void Write(WireWriter w) => w.I64(Seq);
}

public enum OpStatus : byte
{
    Ok = 0,
    /// <summary>The compare-and-swap failed: <see cref="OpResult.State"/> is what was found.</summary>
    Conflict = 1,
    Error = 2,
}

/// <summary>Which compare-and-swap refused an operation (with <see cref="OpStatus.Conflict"/>), for the engine to act on; <see cref="OpResult.Message"/> is for people.</summary>
public enum OpReason : byte
{
    None = 0,

    /// <summary>The path the operation changes (a move's or commit's target) is not as expected, or appeared meanwhile.</summary>
    TargetChanged = 1,

    /// <summary>A move's source is not as expected.</summary>
    SourceChanged = 2,

    /// <summary>A directory to delete still holds entries.</summary>
    NotEmpty = 3,

    /// <summary>A <see cref="SetAttrOp"/> did all but set the owner, which this agent may not (not root).</summary>
    OwnerNotSet = 4,
}

/// <summary>
/// The answer to an <see cref="OpRequest"/>. On success <see cref="State"/> is the path's new
/// state; on conflict, the state actually found. <see cref="Data"/> carries a hash. <see cref="Seq"/>
/// is taken after the operation: any reported state of its paths with a lower number is older.
/// </summary>
public sealed record OpResult(int RequestId, OpStatus Status, FileState State, string? Message, string? Data, long Seq = 0, OpReason Reason = OpReason.None) : Message
{
    public override MessageType Type => MessageType.OpResult;

    public override void Write(WireWriter w)
    {
        w.I32(RequestId);
        w.U8((byte)Status);
        w.State(State);
        w.OptStr(Message);
        w.OptStr(Data);
        w.I64(Seq);
        w.U8((byte)Reason);
    }
}

public enum LogLevel : byte
{
    Debug = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
}

/// <summary>Something the agent wants a person to know (an unwatchable directory, a bad pattern).</summary>
public sealed record Log(LogLevel Level, string Text) : Message
{
    public override MessageType Type => MessageType.Log;

    public override void Write(WireWriter w)
    {
        w.U8((byte)Level);
        w.Str(Text);
    }
}

/// <summary>
/// The pair's exclude and tempfile regexes (psync's -e and -t; `.psync/` is always excluded), and
/// which extended attributes the agent reads into <see cref="FileState.XattrHash"/>.
/// </summary>
public sealed record Configure(IReadOnlyList<string> Excludes, IReadOnlyList<string> Tempfiles, XattrScope Xattrs = XattrScope.None) : Message
{
    public override MessageType Type => MessageType.Configure;

    public override void Write(WireWriter w)
    {
        w.Strs(Excludes);
        w.Strs(Tempfiles);
        w.U8((byte)Xattrs);
    }
}

/// <summary>Which extended attributes a pair keeps (rsync's -X and -A).</summary>
[Flags]
public enum XattrScope : byte
{
    None = 0,

    /// <summary>Every extended attribute outside <c>system.</c> (a non-root agent sees <c>user.</c> only).</summary>
    Xattrs = 1,

    /// <summary>POSIX ACLs: <c>system.posix_acl_access</c> and <c>system.posix_acl_default</c>.</summary>
    Acls = 2,
}

/// <summary>Start watching: the agent answers with <see cref="Changes"/> from now on.</summary>
public sealed record Watch : Message
{
    public override MessageType Type => MessageType.Watch;

    public override void Write(WireWriter w)
    {
    }
}

/// <summary>
/// Stream the tree, or the subtree at <see cref="Path"/> (itself first, then what is below it):
/// <see cref="ScanEntries"/> then <see cref="ScanDone"/>. A subtree that does not exist is an
/// empty scan. A page of a scan starts after the path <see cref="After"/> (empty: from the start)
/// and ends after <see cref="Limit"/> entries (0: no limit); the next page starts after its last.
/// </summary>
public sealed record Scan(int RequestId, string Path = "", string After = "", int Limit = 0) : Message
{
    public override MessageType Type => MessageType.Scan;

    public override void Write(WireWriter w)
    {
        w.I32(RequestId);
        w.Str(Path);
        w.Str(After);
        w.I32(Limit);
    }
}

public sealed record OpRequest(int RequestId, Operation Op) : Message
{
    public override MessageType Type => MessageType.Op;

    public override void Write(WireWriter w)
    {
        w.I32(RequestId);
        Op.Write(w);
    }
}

/// <summary>Ask the agent to stop watching and exit.</summary>
public sealed record Shutdown : Message
{
    public override MessageType Type => MessageType.Shutdown;

    public override void Write(WireWriter w)
    {
    }
}

/// <summary>
/// List <c>.psync/trash/</c>: the agent answers with <see cref="TrashEntries"/> messages, the
/// last one marked. Read-only: a missing trash is an empty list.
/// </summary>
public sealed record ListTrash(int RequestId) : Message
{
    public override MessageType Type => MessageType.ListTrash;

    public override void Write(WireWriter w) => w.I32(RequestId);
}

/// <summary>
/// One deleted or displaced version in the trash. <see cref="Path"/> is the relative path it had
/// (null when <c>.psync/trash.log</c> has no record of it); <see cref="TrashedUnixMs"/> is when it
/// went to the trash; <see cref="State"/> is the entry's lstat there.
/// </summary>
public sealed record TrashItem(string Id, string? Path, long TrashedUnixMs, FileState State);

/// <summary>Part of the answer to <see cref="ListTrash"/>, oldest first; <see cref="Last"/> ends it, <see cref="Error"/> says why it stopped early.</summary>
public sealed record TrashEntries(int RequestId, IReadOnlyList<TrashItem> Items, bool Last, string? Error = null) : Message
{
    public override MessageType Type => MessageType.TrashEntries;

    public override void Write(WireWriter w)
    {
        w.I32(RequestId);
        w.I32(Items.Count);
        foreach (var item in Items)
        {
            w.Str(item.Id);
            w.OptStr(item.Path);
            w.I64(item.TrashedUnixMs);
            w.State(item.State);
        }
        w.Bool(Last);
        w.OptStr(Error);
    }

    internal static TrashEntries Read(ref WireReader r)
    {
        var id = r.I32();
        var n = r.I32();
        if (n < 0)
        {
            throw new ProtocolException("bad trash entry count");
        }
        var items = new List<TrashItem>(Math.Min(n, 4096));
        for (var i = 0; i < n; i++)
        {
            items.Add(new TrashItem(r.Str(), r.OptStr(), r.I64(), r.State()));
        }
        return new TrashEntries(id, items, r.Bool(), r.OptStr());
    }
}
