namespace Psync.Protocol;

public enum OpCode : byte
{
    Stat = 1,
    Mkdir = 2,
    Move = 3,
    Delete = 4,
    Commit = 5,
    SetAttr = 6,
    Symlink = 7,
    Hash = 8,
    RemoveStage = 9,
    Purge = 10,
    Restore = 11,
    Sync = 12,
    GetXattrs = 13,
    ReadHead = 14,
}

/// <summary>
/// An operation the engine asks an agent to apply. Every path is relative to the agent's root;
/// every <see cref="Expect"/> is checked just before the change is made, and a mismatch is
/// answered with <see cref="OpStatus.Conflict"/> instead of an overwrite.
/// </summary>
public abstract record Operation
{
    public abstract OpCode Code { get; }

    public void Write(WireWriter w)
    {
        w.U8((byte)Code);
        WriteBody(w);
    }

    protected abstract void WriteBody(WireWriter w);

    /// <summary>An optional numeric owner and group.</summary>
    protected static void WriteOwner(WireWriter w, (uint Uid, uint Gid)? owner)
    {
        w.Bool(owner.HasValue);
        if (owner is { } set)
        {
            w.U32(set.Uid);
            w.U32(set.Gid);
        }
    }

    internal static Operation Read(ref WireReader r)
    {
        var code = (OpCode)r.U8();
        return code switch
        {
            OpCode.Stat => new StatOp(r.Str()),
            OpCode.Mkdir => new MkdirOp(r.Str(), r.U32(), r.Expect(), r.Owner()),
            OpCode.Move => new MoveOp(r.Str(), r.Str(), r.Expect(), r.Expect()),
            OpCode.Delete => new DeleteOp(r.Str(), r.Expect(), r.Bool()),
            OpCode.Commit => new CommitOp(r.Str(), r.Str(), r.Expect(), r.Bool()),
            OpCode.SetAttr => new SetAttrOp(r.Str(), r.Expect(), r.Bool() ? r.U32() : null, r.Bool() ? r.I64() : null, r.Owner(), r.OptStr()),
            OpCode.Symlink => new SymlinkOp(r.Str(), r.Str(), r.Expect(), r.I64()),
            OpCode.Hash => new HashOp(r.Str()),
            OpCode.RemoveStage => new RemoveStageOp(r.Str()),
            OpCode.Purge => new PurgeOp(r.I64(), r.I64()),
            OpCode.Restore => new RestoreOp(r.Str(), r.OptStr()),
            OpCode.Sync => new SyncOp(),
            OpCode.GetXattrs => new GetXattrsOp(r.Str()),
            OpCode.ReadHead => new ReadHeadOp(r.Str(), r.I32()),
            _ => throw new ProtocolException($"unknown operation {(byte)code}"),
        };
    }
}

/// <summary>lstat one path.</summary>
public sealed record StatOp(string Path) : Operation
{
    public override OpCode Code => OpCode.Stat;

    protected override void WriteBody(WireWriter w) => w.Str(Path);
}

/// <summary>Create a directory (its parent must exist). An existing directory is success.</summary>
public sealed record MkdirOp(string Path, uint Mode, Expect Expect, (uint Uid, uint Gid)? Owner = null) : Operation
{
    public override OpCode Code => OpCode.Mkdir;

    protected override void WriteBody(WireWriter w)
    {
        w.Str(Path);
        w.U32(Mode);
        w.Expect(Expect);
        WriteOwner(w, Owner);
    }
}

/// <summary>Rename a file or a whole directory. A displaced target goes to the trash.</summary>
public sealed record MoveOp(string From, string To, Expect ExpectFrom, Expect ExpectTo) : Operation
{
    public override OpCode Code => OpCode.Move;

    protected override void WriteBody(WireWriter w)
    {
        w.Str(From);
        w.Str(To);
        w.Expect(ExpectFrom);
        w.Expect(ExpectTo);
    }
}

/// <summary>Move a path into <c>.psync/trash/</c>. A non-empty directory needs <see cref="Recursive"/>.</summary>
public sealed record DeleteOp(string Path, Expect Expect, bool Recursive) : Operation
{
    public override OpCode Code => OpCode.Delete;

    protected override void WriteBody(WireWriter w)
    {
        w.Str(Path);
        w.Expect(Expect);
        w.Bool(Recursive);
    }
}

/// <summary>Rename a staged file (a path under <c>.psync/stage/</c>) into place; the old version goes to the trash.</summary>
/// <remarks>
/// <para>With <paramref name="Durable"/>, only a file staged before the agent's last <see cref="SyncOp"/>
/// began is committed (its data is on disk); a later one is answered "not durable yet" and left
/// for a later commit.</para>
/// <para>A staged directory (a whole new tree) goes into place with one rename, and only where
/// <paramref name="Expect"/> is <see cref="Expect.Absent"/> and nothing has appeared meanwhile;
/// never <paramref name="Durable"/> (a sync of the whole stage precedes it instead).</para>
/// </remarks>
public sealed record CommitOp(string StagedPath, string Path, Expect Expect, bool Durable = false) : Operation
{
    public override OpCode Code => OpCode.Commit;

    protected override void WriteBody(WireWriter w)
    {
        w.Str(StagedPath);
        w.Str(Path);
        w.Expect(Expect);
        w.Bool(Durable);
    }
}

/// <summary>
/// Set permission bits, the modification time and/or the numeric owner and group. An owner the
/// agent may not set (not root) is no failure: the result is <see cref="OpStatus.Ok"/> with
/// <see cref="OpReason.OwnerNotSet"/> and the state as it is.
/// </summary>
/// <remarks><paramref name="Xattrs"/>, as <see cref="GetXattrsOp"/> answers them from the other side, replace the ones in the pair's scope.</remarks>
public sealed record SetAttrOp(string Path, Expect Expect, uint? Mode, long? MtimeNs, (uint Uid, uint Gid)? Owner = null, string? Xattrs = null) : Operation
{
    public override OpCode Code => OpCode.SetAttr;

    protected override void WriteBody(WireWriter w)
    {
        w.Str(Path);
        w.Expect(Expect);
        w.Bool(Mode.HasValue);
        if (Mode.HasValue)
        {
            w.U32(Mode.Value);
        }
        w.Bool(MtimeNs.HasValue);
        if (MtimeNs.HasValue)
        {
            w.I64(MtimeNs.Value);
        }
        WriteOwner(w, Owner);
        w.OptStr(Xattrs);
    }
}

/// <summary>Create or replace a symbolic link (never followed), with the link's own mtime (0: now).</summary>
public sealed record SymlinkOp(string Path, string Target, Expect Expect, long MtimeNs = 0) : Operation
{
    public override OpCode Code => OpCode.Symlink;

    protected override void WriteBody(WireWriter w)
    {
        w.Str(Path);
        w.Str(Target);
        w.Expect(Expect);
        w.I64(MtimeNs);
    }
}

/// <summary>SHA-256 of a regular file's content, as lowercase hex in <see cref="OpResult.Data"/>.</summary>
public sealed record HashOp(string Path) : Operation
{
    public override OpCode Code => OpCode.Hash;

    protected override void WriteBody(WireWriter w) => w.Str(Path);
}

/// <summary>Remove <c>.psync/stage/NAME</c> and whatever is left in it.</summary>
public sealed record RemoveStageOp(string Name) : Operation
{
    public override OpCode Code => OpCode.RemoveStage;

    protected override void WriteBody(WireWriter w) => w.Str(Name);
}

/// <summary>
/// Removes trash entries deleted before <see cref="TrashBeforeUnixMs"/> and staging batches
/// started before <see cref="StageBeforeUnixMs"/> (left behind by a crash). The number removed
/// comes back in <see cref="OpResult.Data"/>.
/// </summary>
public sealed record PurgeOp(long TrashBeforeUnixMs, long StageBeforeUnixMs) : Operation
{
    public override OpCode Code => OpCode.Purge;

    protected override void WriteBody(WireWriter w)
    {
        w.I64(TrashBeforeUnixMs);
        w.I64(StageBeforeUnixMs);
    }
}

/// <summary>
/// Renames the trash entry <see cref="Id"/> back to <see cref="To"/> (null: the path
/// <c>.psync/trash.log</c> recorded for it), creating missing parent directories, never
/// replacing anything: a destination that exists is answered with <see cref="OpStatus.Conflict"/>
/// and its state, and the entry stays in the trash. <see cref="OpResult.Data"/> carries the
/// destination path (on success and on conflict); once restored, the entry leaves the log.
/// </summary>
public sealed record RestoreOp(string Id, string? To = null) : Operation
{
    public override OpCode Code => OpCode.Restore;

    protected override void WriteBody(WireWriter w)
    {
        w.Str(Id);
        w.OptStr(To);
    }
}

/// <summary>
/// Makes what the agent wrote so far durable (<c>syncfs</c> of the root's file system): sent
/// before a batch's commits (the staged data) and after them (the renames), so that the engine
/// records an agreement only for files a power loss cannot take back.
/// </summary>
public sealed record SyncOp : Operation
{
    public override OpCode Code => OpCode.Sync;

    protected override void WriteBody(WireWriter w)
    {
    }
}

/// <summary>
/// The path's extended attributes in the pair's scope, in <see cref="OpResult.Data"/>: one line
/// per attribute, <c>hex(name)=base64(value)</c>, sorted by name; for <see cref="SetAttrOp.Xattrs"/>.
/// </summary>
public sealed record GetXattrsOp(string Path) : Operation
{
    public override OpCode Code => OpCode.GetXattrs;

    protected override void WriteBody(WireWriter w) => w.Str(Path);
}

/// <summary>
/// The first <see cref="MaxBytes"/> bytes (at most <see cref="Limit"/>) of a regular file, base64 in
/// <see cref="OpResult.Data"/>, with the file's state: what a person compares to settle a conflict.
/// Symlinks are not followed; anything but a regular file is an error.
/// </summary>
public sealed record ReadHeadOp(string Path, int MaxBytes) : Operation
{
    /// <summary>The most a read returns, whatever is asked.</summary>
    public const int Limit = 1024 * 1024;

    public override OpCode Code => OpCode.ReadHead;

    protected override void WriteBody(WireWriter w)
    {
        w.Str(Path);
        w.I32(MaxBytes);
    }
}
