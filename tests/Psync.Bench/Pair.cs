using Psync.Engine;
using Psync.Engine.Sync;

namespace Psync.Bench;

/// <summary>A running <see cref="SyncPair"/> in a temp folder (left, right, data), removed on dispose unless kept.</summary>
internal sealed class Pair : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _keep;
    private Task _run = Task.CompletedTask;

    private Pair(string dir, SyncPair sync, bool keep)
    {
        Dir = dir;
        Sync = sync;
        _keep = keep;
    }

    public string Dir { get; }

    public SyncPair Sync { get; }

    public string Left => Sync.Options.LeftRoot;

    public string Right => Sync.Options.RightRoot;

    /// <summary>Starts a pair and returns once it is idle (its initial sync done).</summary>
    /// <param name="configure">Adjusts the options, e.g. for an ssh pair.</param>
    /// <param name="dir">An existing folder with left, right and data to reuse (kept on dispose); null for a fresh temp folder.</param>
    public static async Task<Pair> StartAsync(Func<PairOptions, PairOptions>? configure = null, string? dir = null)
    {
        var keep = dir is not null;
        dir ??= Directory.CreateTempSubdirectory("psync-bench-").FullName;
        var options = new PairOptions
        {
            LeftRoot = Directory.CreateDirectory(Path.Combine(dir, "left")).FullName,
            RightRoot = Directory.CreateDirectory(Path.Combine(dir, "right")).FullName,
            DataDir = Path.Combine(dir, "data"),
        };
        var pair = new Pair(dir, new SyncPair(configure?.Invoke(options) ?? options), keep);
        pair._run = pair.Sync.RunAsync(pair._stop.Token);
        while (pair.Sync.Status.State != PairState.Idle)
        {
            if (pair._run.IsCompleted)
            {
                await pair._run;
                throw new InvalidOperationException("the pair stopped before it was idle");
            }
            await Task.Delay(5);
        }
        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await Sync.DisposeAsync();
        _stop.Dispose();
        if (!_keep)
        {
            Tools.Remove(Dir);
        }
    }
}
