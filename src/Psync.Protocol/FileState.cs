namespace Psync.Protocol;

/// <summary>What a path is on one side.</summary>
public enum EntryKind : byte
{
    Absent = 0,
    File = 1,
    Directory = 2,
    Symlink = 3,
    /// <summary>A device, FIFO or socket: reported, never synced.</summary>
    Other = 4,
}

/// <summary>
/// The state of one path on one side: what the agent saw with lstat. <see cref="Inode"/> and
/// <see cref="CtimeNs"/> identify the object on that side only; everything else is comparable
/// across sides.
/// </summary>
public readonly record struct FileState(
    EntryKind Kind,
    long Size,
    long MtimeNs,
    uint Mode,
    ulong Inode,
    long CtimeNs,
    string? LinkTarget)
{
    public static readonly FileState Absent = default;

    /// <summary>An owner not known (an index written before owners were kept): compares equal to any.</summary>
    public const uint NoOwner = uint.MaxValue;

    /// <summary>The numeric owner (for symlinks: not kept, always 0).</summary>
    public uint Uid { get; init; }

    /// <summary>The numeric group (for symlinks: not kept, always 0).</summary>
    public uint Gid { get; init; }

    /// <summary>
    /// A digest of the extended attributes and ACLs the pair keeps (<see cref="XattrScope"/>), 0 when
    /// there are none or the pair keeps none: equal digests, equal attributes.
    /// </summary>
    public ulong XattrHash { get; init; }

    public bool Exists => Kind != EntryKind.Absent;

    /// <summary>
    /// True when <paramref name="other"/> holds the same content as far as sync is concerned:
    /// kind, and for files size and mtime, for symlinks the target. Modes are compared by
    /// <see cref="SameAttributes"/>.
    /// </summary>
    public bool SameContent(in FileState other) => Kind == other.Kind && Kind switch
    {
        EntryKind.File => Size == other.Size && MtimeNs == other.MtimeNs,
        EntryKind.Symlink => LinkTarget == other.LinkTarget,
        _ => true,
    };

    /// <summary>Same content, same permission bits and extended attributes (symlinks have none that matter).</summary>
    public bool SameAttributes(in FileState other) =>
        SameContent(other) && (Kind == EntryKind.Symlink || ((Mode & 0xFFF) == (other.Mode & 0xFFF) && XattrHash == other.XattrHash));

    /// <summary>Same numeric owner and group, or one of them not known (<see cref="NoOwner"/>).</summary>
    public bool SameOwner(in FileState other) =>
        Uid == NoOwner || other.Uid == NoOwner || (Uid == other.Uid && Gid == other.Gid);

    /// <summary>
    /// The compare-and-swap test: does <paramref name="actual"/> still look like this expected
    /// state? Content must match; where an inode is expected it must match too, so a file
    /// replaced by another with equal size and mtime is still noticed.
    /// </summary>
    public bool Admits(in FileState actual) =>
        SameContent(actual) && (Kind != EntryKind.File || Inode == 0 || Inode == actual.Inode);

    public override string ToString() => Kind switch
    {
        EntryKind.Absent => "absent",
        EntryKind.File => $"file size={Size} mtime={MtimeNs} mode={Convert.ToString(Mode & 0xFFF, 8)} owner={Uid}:{Gid} ino={Inode}",
        EntryKind.Directory => $"dir mode={Convert.ToString(Mode & 0xFFF, 8)} owner={Uid}:{Gid} ino={Inode}",
        EntryKind.Symlink => $"symlink -> {LinkTarget}",
        _ => "special file",
    };
}

/// <summary>The state the target must still have for an operation to go ahead.</summary>
public readonly record struct Expect(bool Check, FileState State)
{
    /// <summary>No check at all (used only where the engine owns the path, e.g. staging).</summary>
    public static readonly Expect Anything = new(false, default);

    /// <summary>The path must not exist.</summary>
    public static readonly Expect Absent = new(true, FileState.Absent);

    public static Expect Is(FileState state) => new(true, state);

    public bool Admits(in FileState actual) => !Check || State.Admits(actual);
}
