using System.Threading.Channels;
using Psync.Engine.Agents;
using Psync.Protocol;

namespace Psync.Engine.Check;

/// <summary>
/// Hashes pairs of same-size files on both sides while the scans go on, through agent
/// connections of its own. The queue is bounded, so a slow disk slows the scans instead of
/// filling memory.
/// </summary>
internal sealed class ContentChecker
{
    private readonly AgentConnection _left;
    private readonly AgentConnection _right;
    private readonly Channel<string> _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
    private readonly List<Difference> _found = [];
    private readonly Task _worker;

    public ContentChecker(AgentConnection left, AgentConnection right, CancellationToken ct)
    {
        _left = left;
        _right = right;
        _worker = Task.Run(() => HashAllAsync(ct), ct);
    }

    /// <summary>Queues a path whose files have the same size on both sides.</summary>
    public async ValueTask AddAsync(string path, CancellationToken ct)
    {
        try
        {
            await _queue.Writer.WriteAsync(path, ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await _worker.ConfigureAwait(false); // throws what stopped the worker
            throw;
        }
    }

    /// <summary>Waits for every queued hash and returns the files whose contents differ.</summary>
    public async Task<IReadOnlyList<Difference>> FinishAsync()
    {
        _queue.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
        return _found;
    }

    private async Task HashAllAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var path in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var leftHash = _left.RunAsync(new HashOp(path), ct);
                var rightHash = _right.RunAsync(new HashOp(path), ct);
                await Task.WhenAll((Task)leftHash, rightHash).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                var l = await leftHash.ConfigureAwait(false);
                var r = await rightHash.ConfigureAwait(false);
                if (l.Status != OpStatus.Ok || r.Status != OpStatus.Ok)
                {
                    var failed = l.Status != OpStatus.Ok ? ("left", l.Message) : ("right", r.Message);
                    _found.Add(new Difference(path, DifferenceKind.ContentDiffers, $"cannot hash on the {failed.Item1}: {failed.Message}"));
                }
                else if (l.Data != r.Data)
                {
                    _found.Add(new Difference(path, DifferenceKind.ContentDiffers, $"left sha256 {Short(l.Data)}, right sha256 {Short(r.Data)}"));
                }
            }
        }
        catch (Exception e)
        {
            _queue.Writer.TryComplete(e);
            throw;
        }
    }

    private static string Short(string? hash) => hash is { Length: > 16 } ? hash[..16] : hash ?? "?";
}
