using Psync.Protocol;

namespace Psync.Agent.Fs;

/// <summary>
/// What this agent's own operations left at a path, until the watcher reads that path again. A
/// change whose fresh state is still exactly that (same inode, ctime, size, mtime) tells the
/// engine nothing its operation's answer did not: it is the echo of our write, and is not sent.
/// The engine would drop it anyway (a state equal to the index is no change); not sending it
/// spares both sides a report per file of a burst. Any later write changes the ctime, so it is
/// reported as always.
/// </summary>
internal sealed class Echoes
{
    /// <summary>Past this many paths not yet seen again (no watcher, or its events lost), they are forgotten: an echo sent costs only time.</summary>
    private const int Max = 16_384;

    private readonly Dictionary<string, FileState> _left = new(StringComparer.Ordinal);
    private volatile bool _watching;

    /// <summary>Set once a watcher runs (on its thread; operations read it on theirs): without one, nothing would ever take the entries.</summary>
    public bool Watching
    {
        get => _watching;
        set => _watching = value;
    }

    /// <summary>An operation of ours left <paramref name="state"/> at <paramref name="path"/>.</summary>
    public void Left(string path, FileState state)
    {
        if (!Watching)
        {
            return;
        }
        lock (_left)
        {
            if (_left.Count >= Max)
            {
                _left.Clear();
            }
            _left[path] = state;
        }
    }

    /// <summary>Whether <paramref name="state"/>, just read at <paramref name="path"/>, is what our operation left there; the path is forgotten either way.</summary>
    public bool IsEcho(string path, in FileState state)
    {
        lock (_left)
        {
            return _left.Count > 0 && _left.Remove(path, out var left) && left == state;
        }
    }
}
