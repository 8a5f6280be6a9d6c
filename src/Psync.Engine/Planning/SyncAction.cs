using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Planning;

/// <summary>One step of a plan. <see cref="Work"/> is what it was planned from, put back when the step cannot finish.</summary>
internal abstract record SyncAction(PathWork Work)
{
    public string Path => Work.Path;
}

/// <summary>Copy the file from the other side to <paramref name="Target"/> (rsync into staging, then a compare-and-swap commit).</summary>
internal sealed record TransferAction(PathWork Work, Side Target, FileState Source, Expect Expect) : SyncAction(Work);

/// <summary>Move the path on <paramref name="Target"/> to the trash (an empty directory is removed).</summary>
internal sealed record DeleteAction(PathWork Work, Side Target, Expect Expect, bool Recursive) : SyncAction(Work);

internal sealed record MkdirAction(PathWork Work, Side Target, FileState Source) : SyncAction(Work);

internal sealed record SymlinkAction(PathWork Work, Side Target, FileState Source, Expect Expect) : SyncAction(Work);

/// <summary>
/// Same content, other attributes: copy the mode (and a file's mtime), and with
/// <paramref name="Owner"/> the owner and group, which changed on the source since both agreed.
/// <paramref name="Why"/>, when set, is what the event log says.
/// </summary>
internal sealed record AttrAction(PathWork Work, Side Target, FileState Source, Expect Expect, bool Owner = false, string? Why = null) : SyncAction(Work);

/// <summary>Both sides already agree: record it in the index (both absent: forget the path).</summary>
internal sealed record AgreeAction(PathWork Work, FileState Left, FileState Right) : SyncAction(Work);

/// <summary>Both sides changed the path differently: the <paramref name="Loser"/>'s version is renamed to a conflict copy, then both sync.</summary>
internal sealed record ConflictAction(PathWork Work, FileState Left, FileState Right, Side Loser) : SyncAction(Work);

/// <summary>
/// In a one-way mode the right changed the path on its own: one-way-safe keeps its version
/// (<paramref name="Kept"/>, listed as a conflict), mirror reverts it with the actions planned beside this one.
/// </summary>
internal sealed record DivergedAction(PathWork Work, FileState Left, FileState Right, bool Kept) : SyncAction(Work);

/// <summary>Something that is not synced (a device, FIFO or socket, a path too long for rsync); <paramref name="Why"/> is how the out-of-sync list names it.</summary>
internal sealed record SkipAction(PathWork Work, string Reason, OutOfSyncReason Why) : SyncAction(Work);

/// <summary>What history and the queue say of an action.</summary>
internal static class SyncActions
{
    /// <summary>How history and the queue name the action.</summary>
    public static EventKind KindOf(this SyncAction action) => action switch
    {
        TransferAction => EventKind.Transfer,
        DeleteAction => EventKind.Delete,
        MkdirAction => EventKind.Mkdir,
        SymlinkAction => EventKind.Symlink,
        AttrAction => EventKind.Attr,
        ConflictAction => EventKind.Conflict,
        SkipAction => EventKind.Skip,
        DivergedAction { Kept: true } => EventKind.Conflict,
        DivergedAction => EventKind.Reverted,
        _ => EventKind.Agree,
    };

    /// <summary>The side the action changes; null for one that changes neither.</summary>
    public static Side? TargetOf(this SyncAction action) => action switch
    {
        TransferAction t => t.Target,
        DeleteAction d => d.Target,
        MkdirAction m => m.Target,
        SymlinkAction s => s.Target,
        AttrAction a => a.Target,
        ConflictAction c => c.Loser,
        DivergedAction => Side.Right,
        _ => null,
    };
}
