using System.Globalization;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Check;

/// <summary>
/// Compares the entries of two merge-joined scans. A directory found on one side only (or facing
/// something that is not a directory) is reported once, with the number of entries below it,
/// rather than once per entry.
/// </summary>
internal sealed class TreeMerge(ContentChecker? content)
{
    private readonly List<Difference> _found = [];
    private readonly Subtree?[] _subtrees = new Subtree?[2];

    public long LeftCount { get; private set; }

    public long RightCount { get; private set; }

    /// <summary>An entry that the other side lacks.</summary>
    public void OnlyOn(Side side, ScanEntry entry)
    {
        Count(side);
        if (_subtrees[(int)side] is { } open)
        {
            if (PathOrder.IsSameOrBelow(entry.Path, open.Dir))
            {
                open.Below++;
                return;
            }
            Close(side);
        }
        var kind = side == Side.Left ? DifferenceKind.OnlyLeft : DifferenceKind.OnlyRight;
        Add(entry.Path, kind, $"{Describe(entry.State)}, only on the {side.Name()}");
        if (entry.State.Kind == EntryKind.Directory)
        {
            Open(side, entry.Path);
        }
    }

    /// <summary>The same path on both sides.</summary>
    public async ValueTask BothAsync(ScanEntry left, ScanEntry right, CancellationToken ct)
    {
        Count(Side.Left);
        Count(Side.Right);
        Close(Side.Left);
        Close(Side.Right);
        var path = left.Path;
        var l = left.State;
        var r = right.State;
        if (l.Kind != r.Kind)
        {
            Add(path, DifferenceKind.KindDiffers, $"left {Describe(l)}, right {Describe(r)}");
            if (l.Kind == EntryKind.Directory)
            {
                Open(Side.Left, path);
            }
            if (r.Kind == EntryKind.Directory)
            {
                Open(Side.Right, path);
            }
            return;
        }
        if (l.Kind == EntryKind.File)
        {
            if (l.Size != r.Size)
            {
                Add(path, DifferenceKind.SizeDiffers, $"left {l.Size} bytes, right {r.Size} bytes");
            }
            if (l.MtimeNs != r.MtimeNs)
            {
                Add(path, DifferenceKind.MtimeDiffers, $"left {FormatTime(l.MtimeNs)}, right {FormatTime(r.MtimeNs)}");
            }
        }
        if (l.Kind == EntryKind.Symlink)
        {
            if (l.LinkTarget != r.LinkTarget)
            {
                Add(path, DifferenceKind.TargetDiffers, $"left -> {PathCodec.Display(l.LinkTarget ?? "")}, right -> {PathCodec.Display(r.LinkTarget ?? "")}");
            }
        }
        else
        {
            if ((l.Mode & 0xFFF) != (r.Mode & 0xFFF))
            {
                Add(path, DifferenceKind.ModeDiffers, $"left {FormatMode(l.Mode)}, right {FormatMode(r.Mode)}");
            }
            if (!l.SameOwner(r))
            {
                Add(path, DifferenceKind.OwnerDiffers, $"left {l.Uid}:{l.Gid}, right {r.Uid}:{r.Gid}");
            }
            if (l.XattrHash != r.XattrHash)
            {
                Add(path, DifferenceKind.XattrsDiffer, l.XattrHash == 0 || r.XattrHash == 0
                    ? $"extended attributes or ACLs on the {(l.XattrHash == 0 ? "right" : "left")} only"
                    : "other extended attributes or ACLs");
            }
        }
        if (content is not null && l.Kind == EntryKind.File && l.Size == r.Size)
        {
            await content.AddAsync(path, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Every difference found so far (hash results come from the <see cref="ContentChecker"/>).</summary>
    public List<Difference> Finish()
    {
        Close(Side.Left);
        Close(Side.Right);
        return _found;
    }

    internal static string Describe(in FileState state) => state.Kind switch
    {
        EntryKind.File => $"file of {state.Size} bytes",
        EntryKind.Directory => "directory",
        EntryKind.Symlink => $"symlink -> {PathCodec.Display(state.LinkTarget ?? "")}",
        EntryKind.Other => "special file",
        _ => "nothing",
    };

    /// <summary>UTC, to the nanosecond.</summary>
    internal static string FormatTime(long ns)
    {
        var seconds = Math.DivRem(ns, 1_000_000_000L, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += 1_000_000_000L;
        }
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return string.Create(CultureInfo.InvariantCulture, $"{time:yyyy-MM-dd HH:mm:ss}.{fraction:D9}Z");
    }

    internal static string FormatMode(uint mode) => "0" + Convert.ToString(mode & 0xFFF, 8).PadLeft(3, '0');

    private void Count(Side side)
    {
        if (side == Side.Left)
        {
            LeftCount++;
        }
        else
        {
            RightCount++;
        }
    }

    private void Add(string path, DifferenceKind kind, string detail) => _found.Add(new Difference(path, kind, detail));

    private void Open(Side side, string dir) => _subtrees[(int)side] = new Subtree(dir, _found.Count - 1);

    private void Close(Side side)
    {
        if (_subtrees[(int)side] is { } done)
        {
            _subtrees[(int)side] = null;
            if (done.Below > 0)
            {
                var difference = _found[done.Index];
                var where = difference.Kind == DifferenceKind.KindDiffers ? $" on the {side.Name()}" : "";
                _found[done.Index] = difference with { Detail = $"{difference.Detail}, with {done.Below} {(done.Below == 1 ? "entry" : "entries")} below it{where}" };
            }
        }
    }

    /// <summary>A directory that only one side has: what follows below it on that side is counted, not reported.</summary>
    private sealed class Subtree(string dir, int index)
    {
        public string Dir { get; } = dir;

        public int Index { get; } = index;

        public long Below { get; set; }
    }
}
