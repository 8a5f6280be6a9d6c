using Psync.Agent.Native;
using Psync.Protocol;

namespace Psync.Agent.Fs;

/// <summary>A directory and the last component of a path below the root, resolved without following any symlink.</summary>
internal readonly struct Parent(int fd, bool owned, byte[] leaf, string path) : IDisposable
{
    public int Fd { get; } = fd;

    /// <summary>The last component, NUL-terminated.</summary>
    public byte[] Leaf { get; } = leaf;

    public string Path { get; } = path;

    public void Dispose()
    {
        if (owned)
        {
            Libc.close(Fd);
        }
    }
}

/// <summary>
/// The tree the agent serves. Holds a descriptor on the root and resolves every relative path
/// component by component with O_NOFOLLOW, so neither "..", nor an absolute path, nor a symlinked
/// parent can lead outside it.
/// </summary>
internal sealed unsafe class RootFs : IDisposable
{
    private readonly int _rootFd;

    public RootFs(string root)
    {
        Root = root;
        var z = RelPath.Z(PathCodec.Encode(root));
        fixed (byte* p = z)
        {
            _rootFd = Libc.openat(Libc.AtFdCwd, p, Libc.ORdOnly | Libc.ODirectory | Libc.OCloExec, 0);
        }
        if (_rootFd < 0)
        {
            throw new ErrnoException(Libc.Errno, $"open root {PathCodec.Display(root)}");
        }
    }

    public string Root { get; }

    public int RootFd => _rootFd;

    /// <summary>
    /// True while the root path still names the directory the agent opened. The agent's own
    /// descriptor keeps a deleted root alive, so inotify never reports it gone; this notices.
    /// </summary>
    public bool StillThere()
    {
        Libc.Statx open, named;
        var path = RelPath.Z(PathCodec.Encode(Root));
        var empty = new byte[] { 0 };
        fixed (byte* p = path)
        fixed (byte* e = empty)
        {
            if (Libc.statx(_rootFd, e, Libc.AtEmptyPath, Libc.StatxBasicStats, &open) != 0
                || Libc.statx(Libc.AtFdCwd, p, 0, Libc.StatxBasicStats, &named) != 0)
            {
                return false;
            }
        }
        return open.Ino == named.Ino && open.DevMajor == named.DevMajor && open.DevMinor == named.DevMinor && open.NLink > 0;
    }

    /// <summary>
    /// Opens the directory that holds <paramref name="path"/>. With <paramref name="createParents"/>,
    /// missing parents are made on the way (mkdir -p, mode 0777 less the umask), still one
    /// component at a time, so nothing is made through a symlink or outside the root.
    /// </summary>
    public Parent OpenParent(string path, bool allowOwnArea = false, bool createParents = false)
    {
        var parts = RelPath.Split(path, allowOwnArea);
        var fd = Walk(parts, parts.Length - 1, Libc.OPath, createParents ? 0x1FFu : null, path, $"open parent of {PathCodec.Display(path)}");
        return new Parent(fd, fd != _rootFd, parts[^1], path);
    }

    /// <summary>
    /// Opens the directory at the first <paramref name="count"/> components below the root, each
    /// with O_NOFOLLOW; with <paramref name="createMode"/>, a missing one is made first. Returns the
    /// root's own descriptor for no components (not to be closed). <paramref name="failure"/> names
    /// the step in an error other than a non-directory on the way.
    /// </summary>
    private int Walk(byte[][] parts, int count, int openFlags, uint? createMode, string path, string failure)
    {
        if (count > 1 && createMode is null && !s_walkOnly)
        {
            var beneath = OpenBeneath(parts, count, openFlags);
            if (beneath >= 0)
            {
                return beneath;
            }
            var errno = Libc.Errno;
            if (errno is not (Libc.ENoSys or Libc.EPerm or Libc.EInval or Libc.EAgain or Libc.ENameTooLong))
            {
                throw WalkFailed(errno, path, failure);
            }
            // No openat2 here (an old kernel, a seccomp filter): one component at a time from now
            // on. A path longer than PATH_MAX, or a rename racing the call: this once.
            s_walkOnly = errno is not (Libc.EAgain or Libc.ENameTooLong);
        }
        var fd = _rootFd;
        for (var i = 0; i < count; i++)
        {
            int next, errno;
            fixed (byte* p = parts[i])
            {
                if (createMode is { } mode && Libc.mkdirat(fd, p, mode) != 0 && Libc.Errno != Libc.EExist)
                {
                    errno = Libc.Errno;
                    next = -1;
                }
                else
                {
                    next = Libc.openat(fd, p, openFlags | Libc.ODirectory | Libc.ONoFollow | Libc.OCloExec, 0);
                    errno = Libc.Errno;
                }
            }
            if (fd != _rootFd)
            {
                Libc.close(fd);
            }
            if (next < 0)
            {
                throw WalkFailed(errno, path, failure);
            }
            fd = next;
        }
        return fd;
    }

    /// <summary>Set once openat2 turned out missing: the walk goes one component at a time.</summary>
    private static bool s_walkOnly;

    /// <summary>
    /// The directory at the first <paramref name="count"/> components in one openat2 call, with what
    /// the walk holds for every component: no symlink followed, nothing outside the root. -1 and errno on failure.
    /// </summary>
    private int OpenBeneath(byte[][] parts, int count, int openFlags)
    {
        var length = 0;
        for (var i = 0; i < count; i++)
        {
            length += parts[i].Length; // each one's NUL becomes the '/' after it, the last one's stays
        }
        Span<byte> joined = length <= 1024 ? stackalloc byte[length] : new byte[length];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            parts[i].AsSpan(0, parts[i].Length - 1).CopyTo(joined[at..]);
            at += parts[i].Length;
            joined[at - 1] = i < count - 1 ? (byte)'/' : (byte)0;
        }
        fixed (byte* p = joined)
        {
            return Libc.openat2(_rootFd, p, openFlags | Libc.ODirectory | Libc.ONoFollow | Libc.OCloExec, Libc.ResolveBeneath | Libc.ResolveNoSymlinks | Libc.ResolveNoMagicLinks);
        }
    }

    private static ErrnoException WalkFailed(int errno, string path, string failure) =>
        new(errno, errno is Libc.ENotDir or Libc.ELoop
            ? $"a parent of {PathCodec.Display(path)} is not a directory (symlinked parents are never followed)"
            : failure);

    /// <summary>lstat of a relative path; absent when it or a parent does not exist.</summary>
    public FileState Stat(string path, bool allowOwnArea = false)
    {
        try
        {
            using var parent = OpenParent(path, allowOwnArea);
            return Stat(parent.Fd, parent.Leaf);
        }
        catch (ErrnoException e) when (e.Errno is Libc.ENoEnt or Libc.ENotDir or Libc.ELoop)
        {
            return FileState.Absent;
        }
    }

    /// <summary>The number of hard links of a path (0 when it is gone).</summary>
    public uint LinkCount(string path)
    {
        try
        {
            using var parent = OpenParent(path);
            Libc.Statx st;
            fixed (byte* p = parent.Leaf)
            {
                return Libc.statx(parent.Fd, p, Libc.AtSymlinkNoFollow, Libc.StatxBasicStats, &st) == 0 ? st.NLink : 0;
            }
        }
        catch (ErrnoException)
        {
            return 0;
        }
    }

    /// <summary>lstat of <paramref name="leaf"/> (NUL-terminated) in a directory.</summary>
    public static FileState Stat(int dirFd, byte[] leaf)
    {
        Libc.Statx st;
        int rc;
        fixed (byte* p = leaf)
        {
            rc = Libc.statx(dirFd, p, Libc.AtSymlinkNoFollow, Libc.StatxBasicStats, &st);
        }
        if (rc != 0)
        {
            var errno = Libc.Errno;
            if (errno is Libc.ENoEnt or Libc.ENotDir)
            {
                return FileState.Absent;
            }
            throw new ErrnoException(errno, $"stat {PathCodec.Display(PathCodec.Decode(leaf.AsSpan(0, leaf.Length - 1)))}");
        }
        var kind = (st.Mode & Libc.SIfMt) switch
        {
            Libc.SIfReg => EntryKind.File,
            Libc.SIfDir => EntryKind.Directory,
            Libc.SIfLnk => EntryKind.Symlink,
            _ => EntryKind.Other,
        };
        var target = kind == EntryKind.Symlink ? ReadLink(dirFd, leaf) : null;
        var size = kind == EntryKind.File ? (long)st.Size : 0;
        // A symlink's owner is not kept (rsync -a keeps it only as root, and nothing reads it).
        var (uid, gid) = kind == EntryKind.Symlink ? (0u, 0u) : (st.Uid, st.Gid);
        return new FileState(kind, size, st.MTime.Ns, st.Mode & 0xFFFu, st.Ino, st.CTime.Ns, target) { Uid = uid, Gid = gid, XattrHash = Xattrs.Hash(dirFd, leaf, kind) };
    }

    private static string ReadLink(int dirFd, byte[] leaf)
    {
        var size = 256;
        while (true)
        {
            var buf = new byte[size];
            nint n;
            fixed (byte* p = leaf)
            fixed (byte* b = buf)
            {
                n = Libc.readlinkat(dirFd, p, b, (nuint)buf.Length);
            }
            if (n < 0)
            {
                throw new ErrnoException(Libc.Errno, "readlink");
            }
            if (n < buf.Length)
            {
                return PathCodec.Decode(buf.AsSpan(0, (int)n));
            }
            size *= 4;
        }
    }

    /// <summary>Opens a directory of the agent's own area (".psync/trash"), creating it when missing unless <paramref name="create"/> is false.</summary>
    public int OpenOwnDir(string path, bool create = true)
    {
        var parts = RelPath.Split(path, allowOwnArea: true);
        return Walk(parts, parts.Length, Libc.ORdOnly, create ? 0x1C0u : null, path, $"open {path}");
    }

    public void Dispose() => Libc.close(_rootFd);
}
