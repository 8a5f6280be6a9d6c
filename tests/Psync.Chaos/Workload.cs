using System.Text;

namespace Psync.Chaos;

/// <summary>
/// Random work on both roots, as people would do it, from one seeded random source: create,
/// write, append, truncate, rename and move files, rename directories, delete, mkdir, rmdir,
/// symlinks, and the same file written on both sides at once. Names come from a small pool so
/// that the two sides keep running into each other. Every version written goes to the ledger.
/// </summary>
internal sealed class Workload(string left, string right, Ledger ledger, Random random, TextWriter journal)
{
    private static readonly string[] Dirs = ["", "a", "b", "c d", "a/x", "b/-y", "c d/z"];
    private static readonly string[] Names = ["f1", "f2", "f3", "notes.txt", "co:lon", "-dash", "sp ace", "new\nline", "ü.md"];
    private static readonly string[] DirNames = ["a", "b", "c d", "e", "x", "-y", "z"];

    private static readonly (Op Op, int Weight)[] Weights =
    [
        (Op.Write, 24), (Op.Append, 14), (Op.Truncate, 5), (Op.Rename, 10), (Op.Delete, 9), (Op.Mkdir, 5),
        (Op.Rmdir, 4), (Op.RenameDir, 4), (Op.Symlink, 5), (Op.BothSides, 6),
    ];

    public enum Op { Write, Append, Truncate, Rename, Delete, Mkdir, Rmdir, RenameDir, Symlink, BothSides }

    /// <summary>Operations done, by kind (those that found nothing to act on are not counted).</summary>
    public Dictionary<Op, int> Done { get; } = Enum.GetValues<Op>().ToDictionary(o => o, _ => 0);

    /// <summary>Operations the file system refused (a parent renamed away by the sync meanwhile, a full disk).</summary>
    public int Refused { get; private set; }

    public int Total => Done.Values.Sum();

    /// <summary>Runs operations until <paramref name="ct"/> fires, pausing up to <paramref name="maxPause"/> between two.</summary>
    public async Task RunAsync(TimeSpan maxPause, CancellationToken ct)
    {
        var total = Weights.Sum(w => w.Weight);
        while (!ct.IsCancellationRequested)
        {
            var pick = random.Next(total);
            var op = Weights.First(w => (pick -= w.Weight) < 0).Op;
            var side = random.Next(2) == 0 ? 'L' : 'R';
            try
            {
                if (Do(op, side))
                {
                    Done[op]++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Refused++;
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * maxPause.TotalMilliseconds), ct);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private string Root(char side) => side == 'L' ? left : right;

    /// <summary>Size, inode and mtime of what the workload just wrote, for ops.log.</summary>
    private static string Describe(string full)
    {
        try
        {
            var info = new FileInfo(full);
            return $"size {info.Length} mtime {info.LastWriteTimeUtc:HH:mm:ss.fffffff}";
        }
        catch (IOException)
        {
            return "(gone)";
        }
    }

    /// <summary>Reads the versions in <paramref name="full"/> before the workload throws them away, into the ledger and ops.log.</summary>
    private void ThrowAway(char side, string full)
    {
        var markers = Ledger.In(full).ToList();
        ledger.Destroyed(side, markers);
        if (markers.Count > 0)
        {
            journal.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {side}   throws away {string.Join(' ', markers)}");
        }
    }

    /// <summary>One line per operation in the run's ops.log, to follow a version when the check finds it lost.</summary>
    private void Log(char side, string what, string path, string? detail = null) =>
        journal.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {side} {what} {path.Replace("\n", "\\n", StringComparison.Ordinal)}{(detail is null ? "" : " " + detail.Replace("\n", "\\n", StringComparison.Ordinal))}");

    private string Full(char side, string rel) => Path.Combine(Root(side), rel);

    private bool Do(Op op, char side)
    {
        switch (op)
        {
            case Op.Write:
                return Write(side, RandomPath(), append: false);
            case Op.Append:
                return Pick(Files(side)) is { } appendTo && Write(side, appendTo, append: true);
            case Op.Truncate:
                return Pick(Files(side)) is { } shorten && Truncate(side, shorten);
            case Op.Rename:
                return Pick(Entries(side, dirs: false)) is { } from && Rename(side, from);
            case Op.Delete:
                if (Pick(Entries(side, dirs: false)) is not { } gone)
                {
                    return false;
                }
                ThrowAway(side, Full(side, gone));
                File.Delete(Full(side, gone));
                Log(side, "delete", gone);
                return true;
            case Op.Mkdir:
                var made = Pick(Dirs[1..])!;
                Directory.CreateDirectory(Full(side, made));
                Log(side, "mkdir", made);
                return true;
            case Op.Rmdir:
                if (Pick(Entries(side, dirs: true).Where(d => !Directory.EnumerateFileSystemEntries(Full(side, d)).Any()).ToList()) is not { } empty)
                {
                    return false;
                }
                Directory.Delete(Full(side, empty));
                Log(side, "rmdir", empty);
                return true;
            case Op.RenameDir:
                return Pick(Entries(side, dirs: true)) is { } dir && RenameDir(side, dir);
            case Op.Symlink:
                return Symlink(side, RandomPath());
            case Op.BothSides:
                var both = Files('L').Intersect(Files('R')).ToList();
                if (Pick(both) is not { } path)
                {
                    return false;
                }
                var append = random.Next(2) == 0;
                Write('L', path, append);
                Write('R', path, append);
                return true;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    private bool Write(char side, string rel, bool append)
    {
        var full = Full(side, rel);
        if (Directory.Exists(full) || new FileInfo(full).LinkTarget is not null)
        {
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var marker = ledger.NewMarker(side);
        if (!append)
        {
            ThrowAway(side, full);
        }
        try
        {
            // Open, not create, for an append: a file swapped for a symlink meanwhile is not followed.
            using var stream = new FileStream(full, append ? FileMode.Open : FileMode.Create, FileAccess.Write);
            stream.Seek(0, SeekOrigin.End);
            stream.Write(Content(marker, append));
        }
        catch
        {
            // Half written, or not at all: no new version.
            Log(side, append ? "append-failed" : "write-failed", rel, marker);
            throw;
        }
        ledger.Wrote(side, marker);
        Log(side, append ? "append" : "write", rel, $"{marker} {Describe(full)}");
        return true;
    }

    private bool Truncate(char side, string rel)
    {
        var marker = ledger.NewMarker(side);
        ThrowAway(side, Full(side, rel));
        try
        {
            using var stream = new FileStream(Full(side, rel), FileMode.Open, FileAccess.Write);
            stream.SetLength(random.NextInt64(stream.Length + 1) / 2);
            stream.Seek(0, SeekOrigin.End);
            stream.Write(Content(marker, append: true));
        }
        catch
        {
            Log(side, "truncate-failed", rel, marker);
            throw;
        }
        ledger.Wrote(side, marker);
        Log(side, "truncate", rel, $"{marker} {Describe(Full(side, rel))}");
        return true;
    }

    private bool Rename(char side, string from)
    {
        // Half the time a new name, half the time the same name in another directory.
        var to = random.Next(2) == 0 ? RandomPath() : Path.Combine(Pick(Dirs)!, Path.GetFileName(from));
        var full = Full(side, to);
        if (to == from || Directory.Exists(full))
        {
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        ThrowAway(side, full);
        File.Move(Full(side, from), full, overwrite: true);
        Log(side, "rename", from, "-> " + to);
        return true;
    }

    private bool RenameDir(char side, string dir)
    {
        // Into the root or a top-level directory, so that renames do not nest the tree ever deeper.
        var parent = Pick(Entries(side, dirs: true).Where(d => !d.Contains('/', StringComparison.Ordinal) && d != dir).Prepend("").ToList())!;
        var to = Path.Combine(parent, Pick(DirNames)!);
        if (Path.Exists(Full(side, to)))
        {
            return false;
        }
        Directory.Move(Full(side, dir), Full(side, to));
        Log(side, "rename-dir", dir, "-> " + to);
        return true;
    }

    private bool Symlink(char side, string rel)
    {
        var full = Full(side, rel);
        if (Path.Exists(full) || new FileInfo(full).LinkTarget is not null)
        {
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var marker = ledger.NewMarker(side);
        File.CreateSymbolicLink(full, "target-" + marker);
        ledger.Wrote(side, marker);
        Log(side, "symlink", rel, marker);
        return true;
    }

    /// <summary>A marker line and some filler: mostly small, now and then 256 KiB.</summary>
    private byte[] Content(string marker, bool append)
    {
        var size = random.Next(20) == 0 ? 256 * 1024 : random.Next(append ? 64 : 4096);
        return Encoding.ASCII.GetBytes(marker + "\n" + new string('.', size) + "\n");
    }

    private string RandomPath() => Path.Combine(Pick(Dirs)!, Pick(Names)!);

    private T? Pick<T>(IReadOnlyList<T> items) => items.Count == 0 ? default : items[random.Next(items.Count)];

    /// <summary>Regular files on a side (conflict copies too: people delete and rename them).</summary>
    private List<string> Files(char side) =>
        [.. Entries(side, dirs: false).Where(p => new FileInfo(Full(side, p)).LinkTarget is null)];

    /// <summary>The side's directories, or its files and symlinks, as relative paths in a stable order (so a seed replays), .psync left out.</summary>
    private List<string> Entries(char side, bool dirs)
    {
        var root = Root(side);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        var found = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            var rel = Path.GetRelativePath(root, entry.FullName);
            if (rel == ".psync" || rel.StartsWith(".psync/", StringComparison.Ordinal))
            {
                continue;
            }
            var isDir = entry is DirectoryInfo && entry.LinkTarget is null;
            if (isDir == dirs)
            {
                found.Add(rel);
            }
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }
}
