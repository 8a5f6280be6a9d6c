using Psync.Engine;
using Psync.Engine.Sync;

namespace Psync.Web.Live;

/// <summary>One running pair: the engine's <see cref="SyncPair"/>, its run loop, and its wiring to history and live updates.</summary>
public sealed class PairRunner : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _subscription;
    private readonly Action<HistoryEvent> _onRecorded;
    private readonly Task _run;
    private readonly TimeProvider _clock;
    private (long Bytes, long Timestamp) _sample;

    public PairRunner(int id, SyncPair pair, LiveUpdates live, HistoryWriter history, TimeProvider clock, ILogger log)
    {
        _clock = clock;
        Id = id;
        Pair = pair;
        _sample = (0, clock.GetTimestamp());
        _onRecorded = e => history.Record(id, e);
        pair.Recorded += _onRecorded;
        _subscription = pair.Subscribe(what =>
        {
            switch (what)
            {
                case PairNotification.Status or PairNotification.Progress:
                    live.Publish(id, UpdateKind.Status);
                    break;
                case PairNotification.Queue:
                    live.Publish(id, UpdateKind.Queue);
                    break;
                case PairNotification.Conflicts:
                    live.Publish(id, UpdateKind.Conflicts);
                    break;
            }
        });
        _run = RunAsync(pair, history, live, log);
    }

    public int Id { get; }

    public SyncPair Pair { get; }

    /// <summary>Why the pair could not start (it stays stopped until edited or resumed), or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>It could not start because the agent could not be deployed (no agent for the host's CPU, no rsync there, the agent does not run).</summary>
    public bool DeployFailed { get; private set; }

    /// <summary>File data per second since the previous call (the engine service samples every second).</summary>
    public double BytesPerSecond { get; private set; }

    internal bool Sample(TimeProvider clock)
    {
        var now = clock.GetTimestamp();
        var bytes = Pair.Counters.BytesTransferred;
        var seconds = clock.GetElapsedTime(_sample.Timestamp, now).TotalSeconds;
        var before = BytesPerSecond;
        BytesPerSecond = seconds > 0 ? (bytes - _sample.Bytes) / seconds : 0;
        _sample = (bytes, now);
        return before != BytesPerSecond;
    }

    private async Task RunAsync(SyncPair pair, HistoryWriter history, LiveUpdates live, ILogger log)
    {
        await Task.Yield();
        try
        {
            await pair.RunAsync(_stop.Token);
        }
        catch (PairException e)
        {
            Failure = e.Message;
            DeployFailed = e.InnerException is Psync.Engine.Remote.DeployException;
            log.LogWarning("Pair {Pair} cannot run: {Reason}", pair.Options.Name, e.Message);
            history.Record(Id, new HistoryEvent(_clock.GetUtcNow(), EventKind.Error, null, "", e.Message, TimeSpan.Zero));
            live.Publish(Id, UpdateKind.Status);
        }
        catch (Exception e)
        {
            Failure = e.Message;
            log.LogError(e, "Pair {Pair} stopped unexpectedly", pair.Options.Name);
            live.Publish(Id, UpdateKind.Status);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _subscription.Dispose();
        Pair.Recorded -= _onRecorded;
        await Pair.DisposeAsync();
        _stop.Dispose();
    }
}
