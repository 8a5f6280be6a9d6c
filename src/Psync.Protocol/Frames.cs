using System.Buffers.Binary;

namespace Psync.Protocol;

/// <summary>Reads and writes length-prefixed frames: u32 LE length, type byte, payload.</summary>
public static class Frames
{
    /// <summary>A frame larger than this is a broken peer, not a big message.</summary>
    public const int MaxFrame = 64 * 1024 * 1024;

    /// <summary>Serializes <paramref name="message"/> as one frame into <paramref name="w"/> (cleared first).</summary>
    public static ReadOnlyMemory<byte> Encode(Message message, WireWriter w)
    {
        w.Clear();
        w.U32(0);
        w.U8((byte)message.Type);
        message.Write(w);
        var bytes = w.Written;
        var frame = System.Runtime.InteropServices.MemoryMarshal.AsMemory(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.Span, (uint)(bytes.Length - 4));
        return bytes;
    }

    /// <summary>Reads one message, or null at a clean end of stream.</summary>
    public static async ValueTask<Message?> ReadAsync(Stream stream, CancellationToken ct)
    {
        var header = new byte[5];
        if (!await ReadExactAsync(stream, header.AsMemory(0, 4), allowEof: true, ct).ConfigureAwait(false))
        {
            return null;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length < 1 || length > MaxFrame)
        {
            throw new ProtocolException($"bad frame length {length}");
        }
        var body = new byte[length];
        await ReadExactAsync(stream, body, allowEof: false, ct).ConfigureAwait(false);
        return Message.Read((MessageType)body[0], body.AsSpan(1));
    }

    private static async ValueTask<bool> ReadExactAsync(Stream stream, Memory<byte> buffer, bool allowEof, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[read..], ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (allowEof && read == 0)
                {
                    return false;
                }
                throw new ProtocolException("the stream ended inside a frame");
            }
            read += n;
        }
        return true;
    }
}

/// <summary>
/// Reads frames synchronously through one buffer, for a reader that handles them one after the
/// other on its own thread (the agent): one read() brings every frame the peer has sent since,
/// and <see cref="Buffered"/> tells whether the next one is already here. An async read of a
/// console stream is a blocking read handed to the thread pool, a thread switch per read.
/// </summary>
public sealed class FrameReader(Stream stream)
{
    private const int BufferSize = 64 * 1024;
    private byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    /// <summary>Whether a whole frame is buffered, so that <see cref="Read"/> returns without reading.</summary>
    public bool Buffered => _end - _start >= 4 && _end - _start - 4 >= BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start));

    /// <summary>Reads one message, or null at a clean end of stream.</summary>
    public Message? Read()
    {
        if (!Fill(4, allowEof: true))
        {
            return null;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start));
        if (length < 1 || length > Frames.MaxFrame)
        {
            throw new ProtocolException($"bad frame length {length}");
        }
        Fill(4 + (int)length, allowEof: false);
        var body = _buffer.AsSpan(_start + 4, (int)length);
        var message = Message.Read((MessageType)body[0], body[1..]);
        _start += 4 + (int)length;
        if (_start == _end)
        {
            // All read: the next read fills from the front, into the usual buffer after a big frame.
            (_start, _end) = (0, 0);
            if (_buffer.Length > BufferSize)
            {
                _buffer = new byte[BufferSize];
            }
        }
        return message;
    }

    /// <summary>Reads until <paramref name="count"/> bytes are buffered; false at a clean end of stream.</summary>
    private bool Fill(int count, bool allowEof)
    {
        while (_end - _start < count)
        {
            if (_start + count > _buffer.Length)
            {
                // Move what is left to the front, into a bigger buffer for a frame larger than this one.
                var buffer = count > _buffer.Length ? new byte[count] : _buffer;
                Buffer.BlockCopy(_buffer, _start, buffer, 0, _end - _start);
                (_buffer, _end, _start) = (buffer, _end - _start, 0);
            }
            var n = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                if (allowEof && _end == _start)
                {
                    return false;
                }
                throw new ProtocolException("the stream ended inside a frame");
            }
            _end += n;
        }
        return true;
    }
}

/// <summary>Writes frames to a stream from many tasks, one whole frame at a time.</summary>
public sealed class FrameWriter(Stream stream) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly WireWriter _wire = new();

    public async Task SendAsync(Message message, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var frame = Frames.Encode(message, _wire);
            await stream.WriteAsync(frame, ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends several messages back to back, in order, with one flush.</summary>
    public async Task SendManyAsync(IEnumerable<Message> messages, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            foreach (var message in messages)
            {
                await stream.WriteAsync(Frames.Encode(message, _wire), ct).ConfigureAwait(false);
            }
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
