using System.Diagnostics;
using System.Reflection;
using Psync.Agent.Fs;
using Psync.Protocol;

namespace Psync.Agent;

/// <summary>One agent session: hello, then requests from the engine until it hangs up.</summary>
/// <remarks>With readOnly it scans, stats and hashes only: it creates no <c>.psync/</c> and refuses every change (for psync check).</remarks>
internal sealed class AgentHost(string root, string cinotify, bool readOnly, bool serveRsync, Stream input, Stream outputStream)
{
    private readonly FrameWriter _output = new(outputStream);
    private readonly Sequence _seq = new();
    private PathFilter _filter = PathFilter.None;

    public static string Version { get; } =
        typeof(AgentHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        RootFs? fs = null;
        RsyncServer? rsync = null;
        try
        {
            fs = TryOpenRoot();
            var writable = fs is not null && !readOnly && TryPrepareOwnArea(fs);
            Action<LogLevel, string> log = (level, text) => _ = _output.SendAsync(new Log(level, text), cts.Token);
            Action<string> warn = text => log(LogLevel.Warning, text);
            rsync = serveRsync ? RsyncServer.TryStart(warn) : null;
            await _output.SendAsync(new Hello(
                Version, Message.ProtocolVersion, root, fs is not null, writable, RsyncVersion(),
                ReadLimit("max_user_watches"), ReadLimit("max_queued_events"), ReadLimit("max_user_instances"),
                File.Exists(cinotify), rsync?.SocketPath), ct).ConfigureAwait(false);
            var background = new List<Task>();
            if (rsync is not null)
            {
                background.Add(Task.Run(() => rsync.RunAsync(log, cts.Token), cts.Token));
            }
            var trash = fs is null ? null : new Trash(fs, TimeProvider.System);
            var echoes = new Echoes();
            var ops = fs is null || trash is null ? null : new OpExecutor(fs, trash, _seq, echoes);
            while (await Frames.ReadAsync(input, ct).ConfigureAwait(false) is { } message)
            {
                switch (message)
                {
                    case Configure c:
                        Xattrs.Scope = c.Xattrs;
                        _filter = new PathFilter(c.Excludes, c.Tempfiles, warn);
                        break;
                    case Watch when fs is not null:
                        var watcher = new Watcher(fs, () => _filter, _output, cinotify, _seq, echoes);
                        background.Add(Task.Run(() => watcher.RunAsync(cts.Token), cts.Token));
                        break;
                    case Scan s when fs is not null:
                        var scanner = new Scanner(fs, _filter, _output, s.RequestId, _seq, s.Path, s.After, s.Limit);
                        background.Add(Task.Run(() => scanner.RunAsync(cts.Token), cts.Token));
                        break;
                    case Scan s:
                        await _output.SendAsync(new ScanDone(s.RequestId, 0, $"root {root} does not exist", [], 0), ct).ConfigureAwait(false);
                        break;
                    case ListTrash l:
                        await SendTrashAsync(trash, l.RequestId, ct).ConfigureAwait(false);
                        break;
                    case OpRequest { Op: not (StatOp or HashOp or ReadHeadOp) } r when readOnly:
                        await _output.SendAsync(new OpResult(r.RequestId, OpStatus.Error, FileState.Absent, "this agent is read-only", null), ct).ConfigureAwait(false);
                        break;
                    case OpRequest r when ops is not null:
                        await _output.SendAsync(ops.Execute(r.RequestId, r.Op), ct).ConfigureAwait(false);
                        break;
                    case OpRequest r:
                        await _output.SendAsync(new OpResult(r.RequestId, OpStatus.Error, FileState.Absent, $"root {root} does not exist", null), ct).ConfigureAwait(false);
                        break;
                    case Shutdown:
                        return 0;
                    default:
                        await _output.SendAsync(new Log(LogLevel.Error, $"unexpected message {message.Type}"), ct).ConfigureAwait(false);
                        break;
                }
            }
            return 0;
        }
        catch (ProtocolException e)
        {
            await Console.Error.WriteLineAsync($"psync-agent: protocol error: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            rsync?.Dispose();
            fs?.Dispose();
        }
    }

    /// <summary>Answers <see cref="ListTrash"/>: the entries in batches, the last batch marked.</summary>
    private async Task SendTrashAsync(Trash? trash, int requestId, CancellationToken ct)
    {
        const int BatchSize = 1024;
        List<TrashItem> items;
        try
        {
            items = trash is null ? throw new IOException($"root {root} does not exist") : trash.List();
        }
        catch (IOException e)
        {
            await _output.SendAsync(new TrashEntries(requestId, [], Last: true, e.Message), ct).ConfigureAwait(false);
            return;
        }
        var sent = 0;
        do
        {
            var batch = items.GetRange(sent, Math.Min(BatchSize, items.Count - sent));
            sent += batch.Count;
            await _output.SendAsync(new TrashEntries(requestId, batch, Last: sent == items.Count), ct).ConfigureAwait(false);
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
