using Microsoft.Win32.SafeHandles;
using Psync.Agent.Native;
using Psync.Protocol;

namespace Psync.Agent.Fs;

/// <summary>
/// Applies the engine's operations to the tree. Each one first compares the target with the
/// state the engine expects (compare-and-swap) and answers a conflict instead of overwriting;
/// anything removed or replaced goes to the trash. What a write leaves is noted in
/// <paramref name="echoes"/>, so the watcher does not report it back.
/// </summary>
internal sealed unsafe class OpExecutor(RootFs fs, Trash trash, Sequence seq, Echoes echoes)
{
    private const string StageDir = ".psync/stage";
    private const string TmpDir = ".psync/tmp";
    private long _tmpSeq;

    /// <summary>When the last <see cref="SyncOp"/> began, on the file system's own coarse clock: a file staged before it is on disk.</summary>
    private long _syncedBeforeNs = long.MinValue;

    public OpResult Execute(int id, Operation op)
    {
        var result = Run(id, op) with { Seq = seq.Next() };
        if (result.Status == OpStatus.Ok && Written(op) is { } path)
        {
            echoes.Left(path, result.State);
        }
        return result;
    }

    /// <summary>The path an operation writes and answers the new state of (a move reports itself as a move, which is never an echo).</summary>
    private static string? Written(Operation op) => op switch
    {
        CommitOp o => o.Path,
        MkdirOp o => o.Path,
        DeleteOp o => o.Path,
        SetAttrOp o => o.Path,
        SymlinkOp o => o.Path,
        _ => null,
    };

    private OpResult Run(int id, Operation op)
    {
        try
        {
            return op switch
            {
                StatOp o => Ok(id, fs.Stat(o.Path)),
                MkdirOp o => Mkdir(id, o),
                MoveOp o => Move(id, o),
                DeleteOp o => Delete(id, o),
                CommitOp o => Commit(id, o),
                SetAttrOp o => SetAttr(id, o),
                SymlinkOp o => Symlink(id, o),
                HashOp o => Hash(id, o),
                RemoveStageOp o => RemoveStage(id, o),
                PurgeOp o => Purge(id, o),
                RestoreOp o => Restore(id, o),
                SyncOp => SyncFs(id),
                GetXattrsOp o => GetXattrs(id, o),
                ReadHeadOp o => ReadHead(id, o),
                _ => Error(id, $"unsupported operation {op.Code}"),
            };
        }
        catch (ArgumentException e)
        {
            return Error(id, e.Message);
        }
        catch (IOException e)
        {
            return Error(id, e.Message);
        }
    }

    private static OpResult Ok(int id, FileState state) => new(id, OpStatus.Ok, state, null, null);

    private static OpResult Conflict(int id, FileState actual, string what, OpReason reason = OpReason.TargetChanged) => new(id, OpStatus.Conflict, actual, what, null, Reason: reason);

    private static OpResult Error(int id, string message) => new(id, OpStatus.Error, FileState.Absent, message, null);

    private OpResult Mkdir(int id, MkdirOp o)
    {
        using var parent = fs.OpenParent(o.Path);
        var actual = RootFs.Stat(parent.Fd, parent.Leaf);
        if (actual.Kind == EntryKind.Directory)
        {
            return Ok(id, actual);
        }
        if (!o.Expect.Admits(actual) || actual.Exists)
        {
            return Conflict(id, actual, $"{PathCodec.Display(o.Path)} exists and is not a directory");
        }
        fixed (byte* p = parent.Leaf)
        {
            if (Libc.mkdirat(parent.Fd, p, o.Mode & 0xFFF) != 0)
            {
                var errno = Libc.Errno;
                var now = RootFs.Stat(parent.Fd, parent.Leaf);
                if (errno == Libc.EExist && now.Kind == EntryKind.Directory)
                {
                    return Ok(id, now);
                }
                if (errno == Libc.EExist)
                {
                    return Conflict(id, now, $"{PathCodec.Display(o.Path)} appeared meanwhile");
                }
                throw new ErrnoException(errno, $"mkdir {PathCodec.Display(o.Path)}");
            }
            // As rsync -a: the source's owner where the agent may give it (root), else the agent's own.
            if (o.Owner is { } owner && Libc.fchownat(parent.Fd, p, owner.Uid, owner.Gid, Libc.AtSymlinkNoFollow) != 0 && Libc.Errno != Libc.EPerm)
            {
                throw new ErrnoException(Libc.Errno, $"chown {PathCodec.Display(o.Path)}");
            }
            // mkdir applies the umask; the engine asked for exact bits.
            if (Libc.ChmodNoFollow(parent.Fd, p, o.Mode & 0xFFF) != 0)
            {
                throw new ErrnoException(Libc.Errno, $"chmod {PathCodec.Display(o.Path)}");
            }
        }
        return Ok(id, RootFs.Stat(parent.Fd, parent.Leaf));
    }

    private OpResult Move(int id, MoveOp o)
    {
        using var from = fs.OpenParent(o.From);
        using var to = fs.OpenParent(o.To);
        var source = RootFs.Stat(from.Fd, from.Leaf);
        if (!source.Exists || !o.ExpectFrom.Admits(source))
        {
            return Conflict(id, source, $"source {PathCodec.Display(o.From)} is not as expected", OpReason.SourceChanged);
        }
        var target = RootFs.Stat(to.Fd, to.Leaf);
        if (target.Kind == EntryKind.Directory)
        {
            return Conflict(id, target, $"target {PathCodec.Display(o.To)} is a directory");
        }
        return Place(id, from.Fd, from.Leaf, to, o.ExpectTo, $"target {PathCodec.Display(o.To)}");
    }

    /// <summary>
    /// Renames (fromFd, fromLeaf) to the target: the target's current version goes to the trash
    /// first if it is as expected, and the rename itself never replaces anything, so a version
    /// that appears in between is a conflict, not a loss. <paramref name="what"/> names the target in messages;
    /// <paramref name="actual"/> is the target's state if the caller has just read it.
    /// </summary>
    private OpResult Place(int id, int fromFd, byte[] fromLeaf, in Parent target, in Expect expect, string what, FileState? actual = null)
    {
        if (trash.Displace(target, expect, actual) is { } found)
        {
            return Conflict(id, found, $"{what} is not as expected");
        }
        if (Trash.TryRename(fromFd, fromLeaf, target.Fd, target.Leaf, noReplace: true) != 0)
        {
            var errno = Libc.Errno;
            if (errno == Libc.EExist)
            {
                return Conflict(id, RootFs.Stat(target.Fd, target.Leaf), $"{what} appeared meanwhile");
            }
            throw new ErrnoException(errno, $"rename to {what}");
        }
        return Ok(id, RootFs.Stat(target.Fd, target.Leaf));
    }

    private OpResult Delete(int id, DeleteOp o)
    {
        Parent opened;
        try
        {
            opened = fs.OpenParent(o.Path);
        }
        catch (ErrnoException e) when (e.Errno == Libc.ENoEnt)
        {
            // Its folder went before it (a recursive delete took it along): the path is absent,
            // which is not what the plan expected, so it is planned again instead of retried.
            return Conflict(id, FileState.Absent, $"{PathCodec.Display(o.Path)} is gone with its folder");
        }
        using var parent = opened;
        var actual = RootFs.Stat(parent.Fd, parent.Leaf);
        if (!o.Expect.Admits(actual))
        {
            return Conflict(id, actual, $"{PathCodec.Display(o.Path)} changed");
        }
        if (actual.Kind == EntryKind.Directory && !o.Recursive)
        {
            // rmdir checks emptiness atomically; an empty directory holds no version to keep.
            fixed (byte* p = parent.Leaf)
            {
                if (Libc.unlinkat(parent.Fd, p, Libc.AtRemoveDir) != 0)
                {
                    var errno = Libc.Errno;
                    if (errno == Libc.ENotEmpty || errno == Libc.EExist)
                    {
                        return Conflict(id, actual, $"directory {PathCodec.Display(o.Path)} is not empty", OpReason.NotEmpty);
                    }
                    throw new ErrnoException(errno, $"rmdir {PathCodec.Display(o.Path)}");
                }
            }
            return Ok(id, FileState.Absent);
        }
        if (trash.Displace(parent, o.Expect) is { } found)
        {
            return Conflict(id, found, $"{PathCodec.Display(o.Path)} changed");
        }
        return Ok(id, FileState.Absent);
    }

    private OpResult Commit(int id, CommitOp o)
    {
        if (!PathOrder.IsSameOrBelow(o.StagedPath, StageDir) || o.StagedPath.Length <= StageDir.Length)
        {
            return Error(id, $"a staged file must lie below {StageDir}/");
        }
        using var staged = fs.OpenParent(o.StagedPath, allowOwnArea: true);
        var stagedState = RootFs.Stat(staged.Fd, staged.Leaf);
        if (stagedState.Kind == EntryKind.Directory && o.Expect.Check && !o.Expect.State.Exists && !o.Durable)
        {
            // A whole new tree: one compare-and-swap rename onto a name that must still be free.
            using var into = fs.OpenParent(o.Path);
            return Place(id, staged.Fd, staged.Leaf, into, o.Expect, PathCodec.Display(o.Path));
        }
        if (stagedState.Kind != EntryKind.File)
        {
            // The source changed kind under rsync (a symlink now): its own change will follow.
            return Error(id, stagedState.Exists ? $"staged {PathCodec.Display(o.StagedPath)} is not a regular file" : $"nothing staged at {PathCodec.Display(o.StagedPath)}");
        }
        if (o.Durable && stagedState.CtimeNs >= _syncedBeforeNs)
        {
            return Error(id, $"{PathCodec.Display(o.StagedPath)} was staged after the last sync: not durable yet");
        }
        using var target = fs.OpenParent(o.Path);
        // Onto a name that must be free the rename is the compare-and-swap (no replace): nothing to read before it.
        var actual = o.Expect.Check && !o.Expect.State.Exists ? FileState.Absent : RootFs.Stat(target.Fd, target.Leaf);
        if (actual.Kind == EntryKind.Directory && o.Expect.Admits(actual))
        {
            return Conflict(id, actual, $"{PathCodec.Display(o.Path)} is a directory");
        }
        return Place(id, staged.Fd, staged.Leaf, target, o.Expect, PathCodec.Display(o.Path), actual);
    }

    private OpResult SetAttr(int id, SetAttrOp o)
    {
        using var parent = fs.OpenParent(o.Path);
        var actual = RootFs.Stat(parent.Fd, parent.Leaf);
        if (!actual.Exists || !o.Expect.Admits(actual))
        {
            return Conflict(id, actual, $"{PathCodec.Display(o.Path)} changed");
        }
        string? ownerNotSet = null;
        fixed (byte* p = parent.Leaf)
        {
            // The owner first: a chown clears set-user-ID bits that the mode then sets again.
            // AT_SYMLINK_NOFOLLOW everywhere: a symlink swapped in after the check is not followed out of the root.
            if (o.Owner is { } owner && actual.Kind != EntryKind.Symlink && owner != (actual.Uid, actual.Gid)
                && Libc.fchownat(parent.Fd, p, owner.Uid, owner.Gid, Libc.AtSymlinkNoFollow) != 0)
            {
                var errno = Libc.Errno;
                if (errno != Libc.EPerm)
                {
                    throw new ErrnoException(errno, $"chown {PathCodec.Display(o.Path)}");
                }
                // Only root may give a file away: the rest is done, and the engine says so once.
                ownerNotSet = $"owner {owner.Uid}:{owner.Gid} not set: {Libc.Describe(errno)} (the agent is not root)";
            }
            if (o.Xattrs is { } xattrs && actual.Kind is EntryKind.File or EntryKind.Directory)
            {
                Xattrs.Replace(parent.Fd, parent.Leaf, actual.Kind, xattrs, PathCodec.Display(o.Path));
            }
            if (o.Mode is { } mode && actual.Kind != EntryKind.Symlink && Libc.ChmodNoFollow(parent.Fd, p, mode & 0xFFF) != 0)
            {
                throw new ErrnoException(Libc.Errno, $"chmod {PathCodec.Display(o.Path)}");
            }
            if (o.MtimeNs is { } mtime)
            {
                var times = stackalloc Libc.Timespec[2];
                times[0] = new Libc.Timespec { Sec = 0, Nsec = Libc.UtimeOmit };
                times[1] = ToTimespec(mtime);
                if (Libc.utimensat(parent.Fd, p, times, Libc.AtSymlinkNoFollow) != 0)
                {
                    throw new ErrnoException(Libc.Errno, $"set mtime of {PathCodec.Display(o.Path)}");
                }
            }
        }
        var done = Ok(id, RootFs.Stat(parent.Fd, parent.Leaf));
        return ownerNotSet is null ? done : done with { Reason = OpReason.OwnerNotSet, Message = ownerNotSet };
    }

    private static Libc.Timespec ToTimespec(long ns)
    {
        var sec = Math.DivRem(ns, 1_000_000_000L, out var rest);
        return rest < 0 ? new Libc.Timespec { Sec = sec - 1, Nsec = rest + 1_000_000_000L } : new Libc.Timespec { Sec = sec, Nsec = rest };
    }

    private OpResult GetXattrs(int id, GetXattrsOp o)
    {
        using var parent = fs.OpenParent(o.Path);
        var state = RootFs.Stat(parent.Fd, parent.Leaf);
        return state.Kind is EntryKind.File or EntryKind.Directory
            ? Ok(id, state) with { Data = Xattrs.List(parent.Fd, parent.Leaf, state.Kind, PathCodec.Display(o.Path)) }
            : Conflict(id, state, $"{PathCodec.Display(o.Path)} is not a file or directory");
    }

    /// <summary>Everything written on the root's file system so far reaches the disk before the answer.</summary>
    private OpResult SyncFs(int id)
    {
        // The coarse clock is the one inode times are taken from: a file renamed into the stage in
        // this very tick has a ctime not before it, and waits for the next sync (never the reverse).
        Libc.Timespec now;
        if (Libc.clock_gettime(Libc.ClockRealtimeCoarse, &now) != 0)
        {
            throw new ErrnoException(Libc.Errno, "clock_gettime");
        }
        _syncedBeforeNs = (now.Sec * 1_000_000_000L) + now.Nsec;
        if (Libc.syncfs(fs.RootFd) != 0)
        {
            throw new ErrnoException(Libc.Errno, "syncfs");
        }
        return Ok(id, FileState.Absent);
    }

    private OpResult Symlink(int id, SymlinkOp o)
    {
        using var parent = fs.OpenParent(o.Path);
        var actual = RootFs.Stat(parent.Fd, parent.Leaf);
        if (actual.Kind == EntryKind.Directory || !o.Expect.Admits(actual))
        {
            return Conflict(id, actual, $"{PathCodec.Display(o.Path)} changed");
        }
        // Made under a temporary name and renamed in, so the link appears whole.
        var tmpFd = fs.OpenOwnDir(TmpDir);
        try
        {
            var tmp = RelPath.Z(System.Text.Encoding.ASCII.GetBytes($"link-{Environment.ProcessId}-{Interlocked.Increment(ref _tmpSeq)}"));
            var target = RelPath.Z(PathCodec.Encode(o.Target));
            fixed (byte* t = target)
            fixed (byte* n = tmp)
            {
                if (Libc.symlinkat(t, tmpFd, n) != 0)
                {
                    throw new ErrnoException(Libc.Errno, $"symlink {PathCodec.Display(o.Path)}");
                }
                if (o.MtimeNs != 0)
                {
                    var times = stackalloc Libc.Timespec[2];
                    times[0] = new Libc.Timespec { Sec = 0, Nsec = Libc.UtimeOmit };
                    times[1] = ToTimespec(o.MtimeNs);
                    Libc.utimensat(tmpFd, n, times, Libc.AtSymlinkNoFollow);
                }
            }
            try
            {
                return Place(id, tmpFd, tmp, parent, o.Expect, PathCodec.Display(o.Path));
            }
            finally
            {
                // Gone after a successful rename; left over after a conflict or an error.
                fixed (byte* n = tmp)
                {
                    Libc.unlinkat(tmpFd, n, 0);
                }
            }
        }
        finally
        {
            Libc.close(tmpFd);
        }
    }

    private OpResult Hash(int id, HashOp o)
    {
        using var parent = fs.OpenParent(o.Path);
        var before = RootFs.Stat(parent.Fd, parent.Leaf);
        if (before.Kind != EntryKind.File)
        {
            return Error(id, $"{PathCodec.Display(o.Path)} is not a regular file");
        }
        using var stream = OpenFile(parent, o.Path);
        var hash = Convert.ToHexStringLower(Sha256.HashData(stream));
        return new OpResult(id, OpStatus.Ok, before, null, hash);
    }

    private OpResult ReadHead(int id, ReadHeadOp o)
    {
        if (o.MaxBytes < 0)
        {
            return Error(id, "a read needs a length of 0 or more");
        }
        using var parent = fs.OpenParent(o.Path);
        var before = RootFs.Stat(parent.Fd, parent.Leaf);
        if (before.Kind != EntryKind.File)
        {
            return Error(id, $"{PathCodec.Display(o.Path)} is not a regular file");
        }
        using var stream = OpenFile(parent, o.Path);
        var buffer = new byte[(int)Math.Min(Math.Min(o.MaxBytes, ReadHeadOp.Limit), before.Size)];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return new OpResult(id, OpStatus.Ok, before, null, Convert.ToBase64String(buffer, 0, read));
    }

    /// <summary>Opens a regular file for reading, never following a symlink.</summary>
    private static FileStream OpenFile(in Parent parent, string path)
    {
        int fd;
        fixed (byte* p = parent.Leaf)
        {
            // O_NONBLOCK: should a FIFO have taken the file's place, open must not hang.
            fd = Libc.openat(parent.Fd, p, Libc.ORdOnly | Libc.ONoFollow | Libc.OCloExec | Libc.ONonBlock, 0);
        }
        if (fd < 0)
        {
            throw new ErrnoException(Libc.Errno, $"open {PathCodec.Display(path)}");
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
    }

    private OpResult Purge(int id, PurgeOp o)
    {
        var trashed = PurgeDir(".psync/trash", Trash.IdTimeFormat, o.TrashBeforeUnixMs);
        if (trashed > 0)
        {
            trash.PruneLog();
        }
        var removed = trashed + PurgeDir(StageDir, "yyyyMMddHHmmss", o.StageBeforeUnixMs);
        return new OpResult(id, OpStatus.Ok, FileState.Absent, null, removed.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Removes the entries of an own-area folder whose name starts with a time (in <paramref name="format"/>) before the cutoff.</summary>
    private int PurgeDir(string dir, string format, long beforeUnixMs)
    {
        var length = format.Replace("'", "", StringComparison.Ordinal).Length;
        var fd = fs.OpenOwnDir(dir);
        var removed = 0;
        try
        {
            foreach (var entry in Tree.List(fd))
            {
                var name = System.Text.Encoding.ASCII.GetString(entry.Name);
                var stamp = name.Length >= length ? name[..length] : "";
                if (DateTime.TryParseExact(stamp, format, System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                    && new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeMilliseconds() < beforeUnixMs)
                {
                    Tree.Remove(fd, RelPath.Z(entry.Name));
                    removed++;
                }
            }
        }
        finally
        {
            Libc.close(fd);
        }
        return removed;
    }

    /// <summary>Puts a trash entry back (the destination is <see cref="OpResult.Data"/>); a destination that exists is a conflict, never replaced.</summary>
    private OpResult Restore(int id, RestoreOp o)
    {
        if (!trash.Stat(o.Id).Exists)
        {
            return Error(id, $"no entry {PathCodec.Display(o.Id)} in the trash");
        }
        var to = o.To ?? trash.OriginalPath(o.Id);
        if (to is null)
        {
            return Error(id, $"the trash log has no path for {PathCodec.Display(o.Id)}: give a destination");
        }
        // Parents are made only once the entry is known to exist, so a refused restore leaves no trace.
        using var target = fs.OpenParent(to, createParents: true);
        var errno = trash.Restore(o.Id, target);
        if (errno == Libc.EExist)
        {
            return new OpResult(id, OpStatus.Conflict, RootFs.Stat(target.Fd, target.Leaf), $"{PathCodec.Display(to)} exists; nothing was replaced", to, Reason: OpReason.TargetChanged);
        }
        if (errno != 0)
        {
            throw new ErrnoException(errno, $"restore {PathCodec.Display(o.Id)} to {PathCodec.Display(to)}");
        }
        return new OpResult(id, OpStatus.Ok, RootFs.Stat(target.Fd, target.Leaf), null, to);
    }

    private OpResult RemoveStage(int id, RemoveStageOp o)
    {
        if (o.Name.Length == 0 || o.Name.Contains('/', StringComparison.Ordinal) || o.Name is "." or "..")
        {
            return Error(id, "a stage name is one path component");
        }
        var stageFd = fs.OpenOwnDir(StageDir);
        try
        {
            Tree.Remove(stageFd, RelPath.Z(PathCodec.Encode(o.Name)));
        }
        finally
        {
            Libc.close(stageFd);
        }
        return Ok(id, FileState.Absent);
    }
}
