using System.Diagnostics;
using System.Globalization;
using Psync.Agent.Fs;
using Psync.Protocol;

namespace Psync.Agent;

/// <summary>
/// Runs cinotify on the root, turns its records into <see cref="Change"/>s with fresh lstat
/// states, and sends one <see cref="Changes"/> message per read of its output (so a burst is a
/// few messages, and a lone change is sent at once). A change that is only the echo of the
/// agent's own operation (<see cref="Echoes"/>) is not sent.
/// </summary>
internal sealed class Watcher(RootFs fs, Func<PathFilter> filter, FrameOutput output, string cinotify, Sequence seq, Echoes echoes)
{
    private readonly List<(ChangeKind Kind, string Path, string? From)> _pending = [];
    private readonly Dictionary<string, int> _pendingIndex = new(StringComparer.Ordinal);
    private bool _rootGone;

    /// <summary>Runs until <paramref name="ct"/> is cancelled or the root is gone, on a thread of its own: it blocks in reads of cinotify's output.</summary>
    public void Run(CancellationToken ct)
    {
        echoes.Watching = true;
        var restarts = 0;
        while (!ct.IsCancellationRequested)
        {
            var exit = RunOnce(ct);
            if (ct.IsCancellationRequested || exit == 3 || _rootGone)
            {
                return; // ROOT_GONE was reported; the engine pauses the pair.
            }
            // cinotify died: events are lost until it is back, so the engine must rescan.
            restarts++;
            output.Send(new Log(LogLevel.Error, $"cinotify exited with status {exit}; restarting"));
            output.Send(new RescanNeeded("the watcher restarted"));
            ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * restarts)));
        }
    }

    private int RunOnce(CancellationToken ct)
    {
        var psi = new ProcessStartInfo(cinotify)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(fs.Root);
        using var process = Process.Start(psi) ?? throw new IOException($"cannot start {cinotify}");
        var stderr = ForwardStderrAsync(process, ct);
        try
        {
            ReadRecords(process.StandardOutput.BaseStream);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.StandardInput.Close(); // cinotify exits on end of input
                process.Kill();
            }
        }
        process.WaitForExit();
        stderr.GetAwaiter().GetResult();
        return process.ExitCode;
    }

    private async Task ForwardStderrAsync(Process process, CancellationToken ct)
    {
        while (await process.StandardError.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            output.Send(new Log(LogLevel.Warning, $"cinotify: {line}"));
        }
    }

    /// <summary>
    /// Blocking reads: a thread waiting in read() costs nothing, where an awaited read woke a pool
    /// thread per read that then spun waiting for more work (sched_yield), on the cores rsync needs.
    /// </summary>
    private void ReadRecords(Stream stdout)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // one record larger than the buffer
            }
            var n = stdout.Read(buffer.AsSpan(length));
            if (n == 0)
            {
                return;
            }
            length += n;
            var consumed = 0;
            while (TryParse(buffer.AsSpan(consumed, length - consumed), out var record, out var used))
            {
                consumed += used;
                Handle(record);
            }
            Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
            length -= consumed;
            Flush();
            if (_rootGone)
            {
                return;
            }
        }
    }

    /// <summary>A cinotify record: EVENT, FLAGS, PATH, ARG, each NUL-terminated.</summary>
    private readonly record struct Record(string Event, bool IsDir, string Path, string Arg);

    private static bool TryParse(ReadOnlySpan<byte> data, out Record record, out int used)
    {
        Span<int> ends = stackalloc int[4];
        var start = 0;
        for (var i = 0; i < 4; i++)
        {
            var nul = data[start..].IndexOf((byte)0);
            if (nul < 0)
            {
                record = default;
                used = 0;
                return false;
            }
            ends[i] = start + nul;
            start = ends[i] + 1;
        }
        record = new Record(
            System.Text.Encoding.ASCII.GetString(data[..ends[0]]),
            data[(ends[0] + 1)..ends[1]].SequenceEqual("d"u8),
            PathCodec.Decode(data[(ends[1] + 1)..ends[2]]),
            PathCodec.Decode(data[(ends[2] + 1)..ends[3]]));
        used = start;
        return true;
    }

    private void Handle(Record r)
    {
        var f = filter();
        switch (r.Event)
        {
            case "READY":
                Flush();
                output.Send(new WatchReady(long.Parse(r.Arg, CultureInfo.InvariantCulture)));
                break;
            case "CREATE" when !r.IsDir:
                // A new regular file is reported by its WRITE (close after writing), so a file
                // still being written is not sent half-done; symlinks, specials and hard links
                // (ln) have no WRITE.
                if (r.Path.Length > 0 && !f.SkipsWithAncestors(r.Path) && (fs.Stat(r.Path).Kind != EntryKind.File || fs.LinkCount(r.Path) > 1))
                {
                    Add(ChangeKind.Changed, r.Path, null);
                }
                break;
            case "CREATE" or "FOUND" or "WRITE" or "ATTRIB" or "DELETE" or "MOVED_OUT" or "MOVED_IN":
                if (r.Path.Length > 0 && !f.SkipsWithAncestors(r.Path))
                {
                    Add(ChangeKind.Changed, r.Path, null);
                }
                break;
            case "MOVE":
                var fromOut = f.SkipsWithAncestors(r.Path);
                var toOut = f.SkipsWithAncestors(r.Arg);
                if (!fromOut && !toOut)
                {
                    Add(ChangeKind.Moved, r.Arg, r.Path);
                }
                else if (!toOut)
                {
                    Add(ChangeKind.Changed, r.Arg, null); // a tempfile (or a staged file) became a real name
                }
                else if (!fromOut)
                {
                    Add(ChangeKind.Changed, r.Path, null); // a real name became a tempfile or went to the trash
                }
                break;
            case "OVERFLOW":
                Flush();
                output.Send(new RescanNeeded($"inotify queue overflow (fs.inotify.max_queued_events = {r.Arg})"));
                break;
            case "WATCH_LIMIT":
                Flush();
                output.Send(new Log(LogLevel.Error, $"inotify watch limit reached at {PathCodec.Display(r.Path)}: raise fs.inotify.max_user_watches (now {r.Arg})"));
                output.Send(new RescanNeeded($"inotify watch limit reached (fs.inotify.max_user_watches = {r.Arg})"));
                break;
            case "WATCH_ERROR":
                output.Send(new Log(LogLevel.Warning, $"cannot watch {PathCodec.Display(r.Path)}: {r.Arg}"));
                break;
            case "ROOT_GONE":
                Flush();
                ReportRootGone();
                break;
        }
    }

    private void Add(ChangeKind kind, string path, string? from)
    {
        if (kind == ChangeKind.Changed && _pendingIndex.ContainsKey(path))
        {
            return; // the state is read at flush time, once
        }
        if (kind == ChangeKind.Moved)
        {
            // Pending changes below the old name are stat'ed at flush time, after the move: look
            // for them below the new name.
            for (var i = 0; i < _pending.Count; i++)
            {
                var p = _pending[i];
                if (p.Kind == ChangeKind.Changed && p.Path.Length > from!.Length && PathOrder.IsSameOrBelow(p.Path, from))
                {
                    _pending[i] = p with { Path = path + p.Path[from.Length..] };
                }
            }
            _pendingIndex.Clear(); // order matters across a move
        }
        else
        {
            _pendingIndex[path] = _pending.Count;
        }
        _pending.Add((kind, path, from));
    }

    /// <summary>Says once that the root is gone; nothing is reported after it.</summary>
    private void ReportRootGone()
    {
        if (!_rootGone)
        {
            _rootGone = true;
            output.Send(new RootGone("the root was deleted, moved or unmounted"));
        }
    }

    private void Flush()
    {
        if (_pending.Count == 0 || _rootGone)
        {
            _pending.Clear();
            _pendingIndex.Clear();
            return;
        }
        var changes = new List<Change>(_pending.Count);
        List<string>? failed = null;
        using var sending = seq.Hold(); // numbered here, sent below
        foreach (var (kind, path, from) in _pending)
        {
            try
            {
                var number = seq.Next();
                var state = fs.Stat(path);
                if (kind == ChangeKind.Changed && echoes.IsEcho(path, state))
                {
                    continue;
                }
                changes.Add(new Change(kind, path, from, state, number));
            }
            catch (IOException e)
            {
                // Unreadable is not deleted: say so rather than report a state we do not know.
                (failed ??= []).Add(e.Message);
            }
        }
        _pending.Clear();
        _pendingIndex.Clear();
        // What vanished with the root is not a person's deletes: report the root, not them. Only
        // a state read as absent can be such a delete, so a flush of none (most of a burst's) does
        // not look at the root: that took two of the five system calls an event cost.
        if (changes.Exists(c => !c.State.Exists) && !fs.StillThere())
        {
            ReportRootGone();
            return;
        }
        if (changes.Count > 0)
        {
            output.Send(new Changes(changes)); // none when every one was the echo of an operation
        }
        foreach (var message in failed ?? [])
        {
            output.Send(new Log(LogLevel.Warning, message));
        }
    }
}
