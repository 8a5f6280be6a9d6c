using System.Threading.Channels;
using Renci.SshNet.Common;

namespace Psync.Engine.Remote;

/// <summary>
/// The agent's stdout over an SSH exec channel as a truly asynchronous, cancellable read-only stream.
/// </summary>
/// <remarks>
/// SSH.NET's output stream only reads synchronously (its ReadAsync is the blocking base one), so
/// every pending read would hold a thread-pool thread for as long as the agent is quiet; on a
/// small machine that starves the pool (seconds of delay). One dedicated thread per stream does
/// the blocking reads instead and hands the chunks over.
/// </remarks>
internal sealed class ChannelOutput : Stream
{
    private const int ChunkSize = 64 * 1024;

    private readonly Stream _inner;
    // Unbounded like the SSH.NET buffer it drains: flow control is the SSH channel's window, not ours.
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TrafficCounter? _traffic;
    private ReadOnlyMemory<byte> _current;

    /// <param name="inner">SSH.NET's output stream (<c>SshCommand.OutputStream</c>); disposed with this stream.</param>
    /// <param name="traffic">Counts the bytes read, when given.</param>
    public ChannelOutput(Stream inner, TrafficCounter? traffic = null)
    {
        _inner = inner;
        _traffic = traffic;
        Pump = Task.Factory.StartNew(PumpLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Ends when SSH.NET's stream ends.</summary>
    public Task Pump { get; }

    public override bool CanRead => true;

    public override bool CanWrite => false;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        await ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }
        while (_current.IsEmpty)
        {
            try
            {
                if (!await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return 0;
                }
            }
            catch (ChannelClosedException e)
            {
                throw new IOException(e.InnerException?.Message ?? e.Message, e.InnerException ?? e);
            }
            if (_chunks.Reader.TryRead(out var chunk))
            {
                _current = chunk;
            }
        }
        var n = Math.Min(buffer.Length, _current.Length);
        _current[..n].CopyTo(buffer);
        _current = _current[n..];
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Ends a blocked read in the pump.
            _inner.Dispose();
            _chunks.Writer.TryComplete();
        }
        base.Dispose(disposing);
    }

    private void PumpLoop()
    {
        try
        {
            while (true)
            {
                var buffer = new byte[ChunkSize];
                var n = _inner.Read(buffer, 0, buffer.Length);
                if (n == 0)
                {
                    _chunks.Writer.TryComplete();
                    return;
                }
                _traffic?.AddReceived(n);
                _chunks.Writer.TryWrite(n == buffer.Length ? buffer : buffer[..n]);
            }
        }
        catch (ObjectDisposedException)
        {
            _chunks.Writer.TryComplete();
        }
        catch (Exception e) when (e is SshException or IOException)
        {
            _chunks.Writer.TryComplete(new IOException(e.Message, e));
        }
    }
}
