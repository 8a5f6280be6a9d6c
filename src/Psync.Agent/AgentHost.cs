using System.Diagnostics;
using System.Reflection;
using Psync.Agent.Fs;
using Psync.Protocol;

namespace Psync.Agent;

/// <summary>One agent session: hello, then requests from the engine until it hangs up.</summary>
/// <remarks>
/// With readOnly it scans, stats and hashes only: it creates no <c>.psync/</c> and refuses every
/// change (for psync check). Requests are read and answered one after the other on the caller's
/// thread, with blocking reads and writes: the answers to the requests that came in one read go out
/// in one write. Scans (on the thread pool) and the watcher (on a thread of its own) write their
/// messages between those answers.
/// </remarks>
internal sealed class AgentHost(string root, string cinotify, bool readOnly, bool serveRsync, Stream input, Stream outputStream)
{
    private readonly FrameOutput _output = new(outputStream);
    private readonly Sequence _seq = new();
    private PathFilter _filter = PathFilter.None;
    private long _sentHorizon = 1;
    private long _sentHorizonAt;

    public static string Version { get; } =
        typeof(AgentHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public int Run()
    {
        using var cts = new CancellationTokenSource();
        RootFs? fs = null;
        RsyncServer? rsync = null;
        try
        {
            fs = TryOpenRoot();
            var writable = fs is not null && !readOnly && TryPrepareOwnArea(fs);
            Action<LogLevel, string> log = (level, text) => _output.Send(new Log(level, text));
            Action<string> warn = text => log(LogLevel.Warning, text);
            rsync = serveRsync ? RsyncServer.TryStart(warn) : null;
            _output.Send(new Hello(
                Version, Message.ProtocolVersion, root, fs is not null, writable, RsyncVersion(),
                ReadLimit("max_user_watches"), ReadLimit("max_queued_events"), ReadLimit("max_user_instances"),
                File.Exists(cinotify), rsync?.SocketPath));
            var background = new List<Task>();
            if (rsync is not null)
            {
                background.Add(Task.Run(() => rsync.RunAsync(log, cts.Token), cts.Token));
            }
            var trash = fs is null ? null : new Trash(fs, TimeProvider.System);
            var echoes = new Echoes();
            var ops = fs is null || trash is null ? null : new OpExecutor(fs, trash, _seq, echoes);
            var requests = new FrameReader(input);
            while (requests.Read() is { } message)
            {
                switch (message)
                {
                    case Configure c:
                        Xattrs.Scope = c.Xattrs;
                        _filter = new PathFilter(c.Excludes, c.Tempfiles, warn);
                        break;
                    case Watch when fs is not null:
                        var watcher = new Watcher(fs, () => _filter, _output, cinotify, _seq, echoes);
                        background.Add(Task.Factory.StartNew(() => watcher.Run(cts.Token), cts.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default));
                        break;
                    case Scan s when fs is not null:
                        var scanner = new Scanner(fs, _filter, _output, s.RequestId, _seq, s.Path, s.After, s.Limit);
                        background.Add(Task.Run(scanner.Run, cts.Token));
                        break;
                    case Scan s:
                        _output.Queue(new ScanDone(s.RequestId, 0, $"root {root} does not exist", [], 0));
                        break;
                    case ListTrash l:
                        SendTrash(trash, l.RequestId);
                        break;
                    case OpRequest { Op: not (StatOp or HashOp or ReadHeadOp) } r when readOnly:
                        _output.Queue(new OpResult(r.RequestId, OpStatus.Error, FileState.Absent, "this agent is read-only", null));
                        break;
                    case OpRequest r when ops is not null:
                        _output.Queue(ops.Execute(r.RequestId, r.Op));
                        break;
                    case OpRequest r:
                        _output.Queue(new OpResult(r.RequestId, OpStatus.Error, FileState.Absent, $"root {root} does not exist", null));
                        break;
                    case Shutdown:
                        _output.Flush();
                        return 0;
                    default:
                        _output.Queue(new Log(LogLevel.Error, $"unexpected message {message.Type}"));
                        break;
                }
                if (!requests.Buffered)
                {
                    QueueHorizon();
                    _output.Flush(); // before the read waits for more
                }
            }
            return 0;
        }
        catch (ProtocolException e)
        {
            Console.Error.WriteLine($"psync-agent: protocol error: {e.Message}");
            return 2;
        }
        finally
        {
            cts.Cancel();
            rsync?.Dispose();
            fs?.Dispose();
        }
    }

    /// <summary>
    /// Tells the engine how far every numbered state has been sent, with the answers: it forgets
    /// its own operations numbered below that. At most every 100 ms or 4,096 numbers, so that a
    /// burst's answers do not each carry one.
    /// </summary>
    private void QueueHorizon()
    {
        var horizon = _seq.Horizon;
        var now = Environment.TickCount64;
        if (horizon > _sentHorizon && (horizon - _sentHorizon >= 4096 || now - _sentHorizonAt >= 100))
        {
            _output.Queue(new Horizon(horizon));
            _sentHorizon = horizon;
            _sentHorizonAt = now;
        }
    }

    /// <summary>Answers <see cref="ListTrash"/>: the entries in batches, the last batch marked.</summary>
    private void SendTrash(Trash? trash, int requestId)
    {
        const int BatchSize = 1024;
        List<TrashItem> items;
        try
        {
            items = trash is null ? throw new IOException($"root {root} does not exist") : trash.List();
        }
        catch (IOException e)
        {
            _output.Queue(new TrashEntries(requestId, [], Last: true, e.Message));
            return;
        }
        var sent = 0;
        do
        {
            var batch = items.GetRange(sent, Math.Min(BatchSize, items.Count - sent));
            sent += batch.Count;
            _output.Queue(new TrashEntries(requestId, batch, Last: sent == items.Count));
        }
        while (sent < items.Count);
    }

    private RootFs? TryOpenRoot()
    {
        try
        {
            return new RootFs(root);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool TryPrepareOwnArea(RootFs fs)
    {
        try
        {
            foreach (var dir in new[] { ".psync/stage", ".psync/trash", ".psync/tmp" })
            {
                Native.Libc.close(fs.OpenOwnDir(dir));
            }
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static long ReadLimit(string name)
    {
        try
        {
            return long.Parse(File.ReadAllText($"/proc/sys/fs/inotify/{name}").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static string? RsyncVersion()
    {
        try
        {
            var psi = new ProcessStartInfo("rsync") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("--version");
            using var p = Process.Start(psi);
            var first = p?.StandardOutput.ReadLine();
            p?.WaitForExit();
            // "rsync  version 3.2.7  protocol version 31"
            var parts = first?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts is { Length: >= 3 } && parts[1] == "version" ? parts[2] : first;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
