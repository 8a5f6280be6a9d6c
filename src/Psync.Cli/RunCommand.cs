using System.Text;
using Microsoft.Extensions.Logging;
using Psync.Engine;
using Psync.Engine.Agents;
using Psync.Engine.Sync;

namespace Psync.Cli;

/// <summary>`psync [options] SRC DST`: runs one pair until interrupted (or once, with -s), printing its history.</summary>
internal sealed class RunCommand(CliOptions options, ILoggerFactory loggers, TextWriter stdout, TextWriter stderr)
{
    /// <summary>
    /// Events are written out at most this long after they are printed, a block at a time: a
    /// write per line cost a system call per file synced (50,000 for a first sync of 50,000 files).
    /// </summary>
    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private (PairState, string?)? _lastReported;
    private bool _flushDue;

    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var parsed = CommandLine.Parse(args);
        switch (parsed.Action)
        {
            case CliAction.Help:
                await Console.Out.WriteAsync(HelpText.Text);
                return ExitCodes.Ok;
            case CliAction.Version:
                await Console.Out.WriteLineAsync($"psync {HelpText.Version}");
                return ExitCodes.Ok;
            case CliAction.UsageError:
                return ExitCodes.UsageError(Console.Error, parsed.Error!);
        }
        var options = parsed.Options!;
        if (BannedProcesses.FindRunning(options.Banned) is { } banned)
        {
            await Console.Error.WriteLineAsync($"psync: banned program '{banned.Name}' is running (pid {banned.Pid}): exiting");
            return ExitCodes.Banned;
        }
        using var interrupts = new Interrupts(Console.Error);
        try
        {
            options = await WithPassphraseAsync(options, interrupts.Token);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }
        using var loggers = new StderrLoggerFactory(Console.Error, StderrLoggerFactory.LevelFor(options.DebugLevel), TimeProvider.System);
        // Events to a terminal go out line by line; redirected, in blocks (see FlushDelay).
        var stdout = Console.IsOutputRedirected ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) : Console.Out;
        var run = new RunCommand(options, loggers, stdout, Console.Error);
        var code = await run.ExecuteAsync(interrupts.Token);
        if (run.UnknownHostKey is { } key && !Console.IsInputRedirected)
        {
            // A person at a terminal confirms the fingerprint here instead of typing --accept-host-key.
            await Console.Error.WriteAsync($"Trust the {key.KeyType} key of {key.Address} with fingerprint {key.Fingerprint}? [y/N] ");
            var answer = (await Console.In.ReadLineAsync(interrupts.Token))?.Trim();
            if (answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)))
            {
                code = await new RunCommand(options with { AcceptHostKey = key.Fingerprint }, loggers, stdout, Console.Error).ExecuteAsync(interrupts.Token);
            }
        }
        return code;
    }

    /// <summary>
    /// The passphrase goes to the engine only for a key that needs one; when it is not in
    /// $PSYNC_KEY_PASSPHRASE, a person at the terminal is asked (without echo). Elsewhere the engine
    /// refuses the key with words that say how to give it.
    /// </summary>
    private static async Task<CliOptions> WithPassphraseAsync(CliOptions options, CancellationToken cancel)
    {
        if (options.RemoteHost is null || options.Identity is not { } key || options.SshAgentSocket is not null
            || !Psync.Engine.Remote.SshSession.NeedsPassphrase(key))
        {
            return options with { IdentityPassphrase = null };
        }
        if (options.IdentityPassphrase is not null || Console.IsInputRedirected)
        {
            return options;
        }
        return await Terminal.ReadSecretAsync($"Passphrase for {key}: ", cancel) is { } typed ? options with { IdentityPassphrase = typed } : options;
    }

    /// <summary>Set when the run stopped at an unknown host key (first contact), so that a person can confirm it.</summary>
    public Psync.Engine.Remote.HostKeyException? UnknownHostKey { get; private set; }

    public async Task<int> ExecuteAsync(CancellationToken interrupt)
    {
        var log = loggers.CreateLogger("psync");
        if (options.TranslatedFrom is { } from)
        {
            log.LogInformation("-T: DST {From} is {To}", from, options.Destination);
        }
        log.LogInformation("syncing {Left} and {Host}{Right}; state in {DataDir}", options.Source, options.RemoteHost is { } h ? h + ":" : "", options.Destination, options.DataDir);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        var bannedWatch = options.Banned.Count > 0 ? WatchBannedAsync(stop) : Task.FromResult<RunningProcess?>(null);
        int code;
        var pair = new SyncPair(options.ToPairOptions(), loggers);
        try
        {
            // Each event as it is recorded: reading the pair's history on every event would copy it each time.
            pair.Recorded += Print;
            using (pair.Subscribe(n => OnChange(pair, n)))
            {
                code = await RunPairAsync(pair, stop.Token).ConfigureAwait(false);
            }
            pair.Recorded -= Print;
            Flush();
            if (options.DebugLevel >= 1)
            {
                PrintCounters(pair.Counters);
            }
        }
        catch (Exception e) when (e is PairException or AgentException)
        {
            if (e.InnerException is Psync.Engine.Remote.HostKeyException { Problem: Psync.Engine.Remote.HostKeyProblem.Unknown } unknown)
            {
                UnknownHostKey = unknown;
            }
            Flush();
            await stderr.WriteLineAsync($"psync: {e.Message}").ConfigureAwait(false);
            code = ExitCodes.SyncError;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false); // ends the banned watch
            await pair.DisposeAsync().ConfigureAwait(false);
        }
        if (await bannedWatch.ConfigureAwait(false) is { } banned)
        {
            await stderr.WriteLineAsync($"psync: banned program '{banned.Name}' started (pid {banned.Pid}): stopped").ConfigureAwait(false);
            return ExitCodes.Banned;
        }
        return code;
    }

    private async Task<int> RunPairAsync(SyncPair pair, CancellationToken ct)
    {
        try
        {
            if (options.SyncOnly)
            {
                await pair.SyncOnceAsync(ct).ConfigureAwait(false);
            }
            else
            {
                await pair.RunAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        if (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        var status = pair.Status;
        switch (status.State)
        {
            case PairState.Idle:
                return ExitCodes.Ok;
            case PairState.Stopped when !options.SyncOnly:
                return ExitCodes.Ok;
            case PairState.Paused or PairState.Waiting:
                ReportStatus(status);
                return ExitCodes.Paused;
            case PairState.Error:
                ReportStatus(status);
                return ExitCodes.SyncError;
            default:
                Flush();
                await stderr.WriteLineAsync($"psync: the sync ended in state {status.State}{(status.Reason is { } r ? ": " + r : "")}").ConfigureAwait(false);
                return ExitCodes.SyncError;
        }
    }

    private void OnChange(SyncPair pair, PairNotification notification)
    {
        switch (notification)
        {
            case PairNotification.Status:
                ReportStatus(pair.Status);
                break;
        }
    }

    /// <summary>Prints one event, in the order the pair recorded them; it is written out within <see cref="FlushDelay"/>.</summary>
    private void Print(HistoryEvent e)
    {
        lock (_gate)
        {
            stdout.WriteLine(e.ToString());
            if (!_flushDue)
            {
                _flushDue = true;
                _ = Task.Delay(FlushDelay).ContinueWith(_ => Flush(), TaskScheduler.Default);
            }
        }
    }

    /// <summary>Writes out the events printed so far (before anything goes to stderr, and at the end).</summary>
    private void Flush()
    {
        lock (_gate)
        {
            _flushDue = false;
            stdout.Flush();
        }
    }

    /// <summary>Tells about a pause or an error once, with its reason.</summary>
    private void ReportStatus(PairStatus status)
    {
        lock (_gate)
        {
            if (status.State is not (PairState.Paused or PairState.Waiting or PairState.Error))
            {
                _lastReported = null;
                return;
            }
            if (_lastReported == (status.State, status.Reason))
            {
                return;
            }
            Flush();
            _lastReported = (status.State, status.Reason);
            var what = status.State.ToString().ToLowerInvariant();
            stderr.WriteLine($"psync: {what}: {status.Reason ?? "no reason given"}");
        }
    }

    private void PrintCounters(PairCounters c) =>
        stderr.WriteLine(
            $"psync: {c.FilesTransferred} files ({c.BytesTransferred} bytes) transferred in {c.RsyncRuns} rsync runs, "
            + $"{c.Deletes} deletes, {c.Moves} moves, {c.Conflicts} conflicts, {c.Errors} errors, {c.Reconciles} reconciles");

    /// <summary>Looks for a banned program every second; when one runs, stops the pair and says which.</summary>
    private async Task<RunningProcess?> WatchBannedAsync(CancellationTokenSource stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                if (BannedProcesses.FindRunning(options.Banned) is { } found)
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    return found;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended first
        }
        return null;
    }
}
