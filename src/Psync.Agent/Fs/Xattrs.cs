using System.Text;
using Psync.Agent.Native;
using Psync.Protocol;

namespace Psync.Agent.Fs;

/// <summary>
/// The extended attributes and ACLs a pair keeps (<see cref="XattrScope"/>, set once by the
/// engine's <see cref="Configure"/>: an agent serves one root), for files and directories: read
/// into a digest for <see cref="FileState.XattrHash"/>, listed for <see cref="GetXattrsOp"/>,
/// replaced by <see cref="SetAttrOp.Xattrs"/>.
/// </summary>
internal static unsafe class Xattrs
{
    private static readonly byte[] System = "system."u8.ToArray();
    private static readonly byte[][] Acls = ["system.posix_acl_access"u8.ToArray(), "system.posix_acl_default"u8.ToArray()];

    public static XattrScope Scope { get; set; }

    /// <summary>The digest of the attributes in scope, 0 when there are none (or the path cannot be opened: it changed, and its event follows).</summary>
    public static ulong Hash(int dirFd, byte[] leaf, EntryKind kind)
    {
        if (Scope == XattrScope.None || kind is not (EntryKind.File or EntryKind.Directory))
        {
            return 0;
        }
        var fd = Open(dirFd, leaf, kind);
        if (fd < 0)
        {
            return 0;
        }
        try
        {
            var all = Read(fd);
            if (all.Count == 0)
            {
                return 0;
            }
            // FNV-1a over name, NUL, length, value of each: a change detector, not a signature.
            var hash = 14695981039346656037UL;
            foreach (var (name, value) in all)
            {
                hash = Fnv(hash, name);
                hash = Fnv(hash, [0, .. BitConverter.GetBytes(value.Length)]);
                hash = Fnv(hash, value);
            }
            return hash == 0 ? 1 : hash;
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /// <summary>The attributes in scope as <see cref="GetXattrsOp"/> answers them.</summary>
    public static string List(int dirFd, byte[] leaf, EntryKind kind, string display)
    {
        var fd = OpenOrThrow(dirFd, leaf, kind, display);
        try
        {
            return string.Join('\n', Read(fd).Select(a => $"{Convert.ToHexString(a.Name)}={Convert.ToBase64String(a.Value)}"));
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /// <summary>Makes the attributes in scope exactly <paramref name="encoded"/>: sets those given, removes the others.</summary>
    public static void Replace(int dirFd, byte[] leaf, EntryKind kind, string encoded, string display)
    {
        var wanted = encoded.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Select(p => (Name: Convert.FromHexString(p[0]), Value: Convert.FromBase64String(p[1])))
            .Where(a => InScope(a.Name))
            .ToList();
        var fd = OpenOrThrow(dirFd, leaf, kind, display);
        try
        {
            foreach (var (name, _) in Read(fd).Where(have => !wanted.Any(w => w.Name.AsSpan().SequenceEqual(have.Name))))
            {
                fixed (byte* n = Z(name))
                {
                    if (Libc.fremovexattr(fd, n) != 0 && Libc.Errno != Libc.ENoData)
                    {
                        throw new ErrnoException(Libc.Errno, $"remove {Encoding.UTF8.GetString(name)} of {display}");
                    }
                }
            }
            foreach (var (name, value) in wanted)
            {
                fixed (byte* n = Z(name))
                fixed (byte* v = value)
                {
                    if (Libc.fsetxattr(fd, n, v, (nuint)value.Length, 0) != 0)
                    {
                        throw new ErrnoException(Libc.Errno, $"set {Encoding.UTF8.GetString(name)} on {display}");
                    }
                }
            }
        }
        finally
        {
            Libc.close(fd);
        }
    }

    private static bool InScope(byte[] name) =>
        (Scope.HasFlag(XattrScope.Xattrs) && !name.AsSpan().StartsWith(System))
        || (Scope.HasFlag(XattrScope.Acls) && Acls.Any(a => a.AsSpan().SequenceEqual(name)));

    /// <summary>The attributes in scope, sorted by name.</summary>
    private static List<(byte[] Name, byte[] Value)> Read(int fd)
    {
        var result = new List<(byte[] Name, byte[] Value)>();
        var names = Fetch(size => { fixed (byte* b = size) { return Libc.flistxattr(fd, b, (nuint)size.Length); } });
        foreach (var name in names.Split((byte)0))
        {
            if (name.Length == 0 || !InScope(name))
            {
                continue;
            }
            var z = Z(name);
            var value = Fetch(buf =>
            {
                fixed (byte* n = z)
                fixed (byte* b = buf)
                {
                    return Libc.fgetxattr(fd, n, b, (nuint)buf.Length);
                }
            }, allowGone: true);
            result.Add((name, value));
        }
        result.Sort((a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        return result;
    }

    /// <summary>Calls <paramref name="call"/> with a buffer that grows until the answer fits (ERANGE).</summary>
    private static byte[] Fetch(Func<byte[], nint> call, bool allowGone = false)
    {
        for (var size = 256; ; size *= 4)
        {
            var buf = new byte[size];
            var n = call(buf);
            if (n >= 0)
            {
                return buf[..(int)n];
            }
            var errno = Libc.Errno;
            if (errno == Libc.ENoData && allowGone)
            {
                return [];
            }
            if (errno is Libc.EOpNotSupp)
            {
                return [];
            }
            if (errno != Libc.ERange || size > (1 << 22))
            {
                throw new ErrnoException(errno, "read extended attributes");
            }
        }
    }

    private static int Open(int dirFd, byte[] leaf, EntryKind kind)
    {
        fixed (byte* p = leaf)
        {
            return Libc.openat(dirFd, p, Libc.ORdOnly | Libc.ONoFollow | Libc.OCloExec | Libc.ONonBlock | (kind == EntryKind.Directory ? Libc.ODirectory : 0), 0);
        }
    }

    private static int OpenOrThrow(int dirFd, byte[] leaf, EntryKind kind, string display)
    {
        var fd = Open(dirFd, leaf, kind);
        return fd >= 0 ? fd : throw new ErrnoException(Libc.Errno, $"open {display}");
    }

    private static byte[] Z(byte[] name) => [.. name, 0];

    private static ulong Fnv(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }
}

file static class SpanSplit
{
    public static IEnumerable<byte[]> Split(this byte[] bytes, byte separator)
    {
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == separator)
            {
                yield return bytes[start..i];
                start = i + 1;
            }
        }
    }
}
