using Psync.Agent.Fs;
using Psync.Agent.Native;
using Psync.Protocol;

namespace Psync.Agent;

/// <summary>
/// Streams the whole tree in <see cref="PathOrder"/>: a depth-first walk with siblings sorted,
/// sent in batches, so memory holds one directory listing per level, not the tree. A page
/// (<paramref name="after"/>, <paramref name="limit"/>) skips what sorts up to the path it resumes
/// after, without descending into it, and stops after the limit.
/// </summary>
internal sealed class Scanner(RootFs fs, PathFilter filter, FrameOutput output, int requestId, Sequence seq, string subtree = "", string after = "", int limit = 0)
{
    private const int BatchSize = 2048;
    private readonly List<ScanEntry> _batch = new(BatchSize);
    private readonly List<string> _unreadable = [];
    private long _count;

    private bool Full => limit > 0 && _count >= limit;

    public void Run()
    {
        string? error = null;
        using var sending = seq.Hold(); // entries are numbered as read and sent in batches
        var startSeq = seq.Next();
        try
        {
            if (subtree.Length == 0)
            {
                Walk(fs.RootFd, string.Empty);
            }
            else
            {
                WalkSubtree();
            }
            Flush();
        }
        catch (IOException e)
        {
            error = e.Message;
        }
        output.Send(new ScanDone(requestId, _count, error, _unreadable, startSeq));
    }

    /// <summary>The subtree's own entry, then, for a directory, what is below it; nothing when it is absent or left out.</summary>
    private void WalkSubtree()
    {
        if (filter.SkipsWithAncestors(subtree))
        {
            return;
        }
        Parent parent;
        try
        {
            parent = fs.OpenParent(subtree);
        }
        catch (ErrnoException e) when (e.Errno is Libc.ENoEnt or Libc.ENotDir or Libc.ELoop)
        {
            return;
        }
        using (parent)
        {
            var number = seq.Next();
            var state = RootFs.Stat(parent.Fd, parent.Leaf);
            if (!state.Exists)
            {
                return;
            }
            if (after.Length == 0)
            {
                _batch.Add(new ScanEntry(subtree, state, number));
                _count++;
            }
            if (state.Kind != EntryKind.Directory)
            {
                return;
            }
            var dir = Tree.OpenDir(parent.Fd, parent.Leaf);
            if (dir < 0)
            {
                _unreadable.Add(subtree);
                return;
            }
            try
            {
                Walk(dir, subtree);
            }
            finally
            {
                Libc.close(dir);
            }
        }
    }

    private void Walk(int dirFd, string prefix)
    {
        var entries = Tree.List(dirFd);
        entries.Sort((x, y) => PathOrder.CompareNames(x.Name, y.Name));
        foreach (var entry in entries)
        {
            var raw = entry.Name;
            var name = PathCodec.Decode(raw);
            var path = prefix.Length == 0 ? name : $"{prefix}/{name}";
            if (Full)
            {
                return;
            }
            if (filter.Skips(path))
            {
                continue;
            }
            // Up to where the page resumes: only the directory that holds that path is entered.
            var before = after.Length > 0 && PathOrder.Instance.Compare(path, after) <= 0;
            if (before && !PathOrder.IsSameOrBelow(after, path))
            {
                continue;
            }
            var leaf = RelPath.Z(raw);
            var number = seq.Next();
            var state = RootFs.Stat(dirFd, leaf);
            if (!state.Exists)
            {
                continue; // gone since the listing
            }
            if (!before)
            {
                _batch.Add(new ScanEntry(path, state, number));
                _count++;
            }
            if (_batch.Count >= BatchSize)
            {
                Flush();
            }
            if (state.Kind != EntryKind.Directory)
            {
                continue;
            }
            var child = Tree.OpenDir(dirFd, leaf);
            if (child < 0)
            {
                if (Libc.Errno is not (Libc.ENoEnt or Libc.ENotDir))
                {
                    _unreadable.Add(path);
                }
                continue;
            }
            try
            {
                Walk(child, path);
            }
            catch (ErrnoException)
            {
                _unreadable.Add(path);
            }
            finally
            {
                Libc.close(child);
            }
        }
    }

    private void Flush()
    {
        if (_batch.Count == 0)
        {
            return;
        }
        output.Send(new ScanEntries(requestId, [.. _batch]));
        _batch.Clear();
    }
}
