using System.Buffers;
using System.Buffers.Binary;

namespace Psync.Protocol;

/// <summary>Length-prefixed frames: u32 LE length, type byte, payload; read by <see cref="FrameReader"/>, written by <see cref="FrameWriter"/>.</summary>
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
}

/// <summary>
/// Reads frames through one buffer: one read brings every frame the peer has sent since, where a
/// read per header and per body cost two system calls a frame. The agent reads synchronously on a
/// thread of its own (<see cref="Read"/>: an async read of a console stream is a blocking read handed
/// to the thread pool), and <see cref="Buffered"/> tells it whether the next frame is already here;
/// the engine reads with <see cref="ReadAsync"/>.
/// </summary>
public sealed class FrameReader(Stream stream)
{
    private const int BufferSize = 64 * 1024;
    private byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    /// <summary>Whether a whole frame is buffered, so that the next read returns without reading.</summary>
    public bool Buffered => _end - _start >= 4 && _end - _start - 4 >= BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start));

    /// <summary>Reads one message, or null at a clean end of stream.</summary>
    public Message? Read()
    {
        if (!Fill(4, allowEof: true))
        {
            return null;
        }
        var length = Length();
        Fill(4 + length, allowEof: false);
        return Take(length);
    }

    /// <inheritdoc cref="Read"/>
    public async ValueTask<Message?> ReadAsync(CancellationToken ct)
    {
        if (!await FillAsync(4, allowEof: true, ct).ConfigureAwait(false))
        {
            return null;
        }
        var length = Length();
        await FillAsync(4 + length, allowEof: false, ct).ConfigureAwait(false);
        return Take(length);
    }

    /// <summary>The length of the frame that starts the buffer (its 4 bytes are there).</summary>
    private int Length()
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start));
        return length is >= 1 and <= Frames.MaxFrame ? (int)length : throw new ProtocolException($"bad frame length {length}");
    }

    /// <summary>The buffered frame of <paramref name="length"/> bytes after its header, decoded and consumed.</summary>
    private Message Take(int length)
    {
        var body = _buffer.AsSpan(_start + 4, length);
        var message = Message.Read((MessageType)body[0], body[1..]);
        _start += 4 + length;
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
            MakeRoom(count);
            if (!Filled(stream.Read(_buffer, _end, _buffer.Length - _end), allowEof))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc cref="Fill"/>
    private async ValueTask<bool> FillAsync(int count, bool allowEof, CancellationToken ct)
    {
        while (_end - _start < count)
        {
            MakeRoom(count);
            if (!Filled(await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false), allowEof))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Room after what is buffered for a frame of <paramref name="count"/> bytes in all.</summary>
    private void MakeRoom(int count)
    {
        if (_start + count > _buffer.Length)
        {
            // Move what is left to the front, into a bigger buffer for a frame larger than this one.
            var buffer = count > _buffer.Length ? new byte[count] : _buffer;
            Buffer.BlockCopy(_buffer, _start, buffer, 0, _end - _start);
            (_buffer, _end, _start) = (buffer, _end - _start, 0);
        }
    }

    /// <summary>Counts <paramref name="n"/> bytes read; false at a clean end of stream (nothing buffered).</summary>
    private bool Filled(int n, bool allowEof)
    {
        if (n == 0)
        {
            return allowEof && _end == _start ? false : throw new ProtocolException("the stream ended inside a frame");
        }
        _end += n;
        return true;
    }
}

/// <summary>Writes frames to a stream from many tasks, one whole frame at a time.</summary>
public sealed class FrameWriter(Stream stream) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly WireWriter _wire = new();
    private readonly ArrayBufferWriter<byte> _many = new();

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

    /// <summary>
    /// Sends several messages back to back, in order, in one write: the agent then reads them with
    /// one read and answers them all with one write (a write a frame let it read them one by one).
    /// </summary>
    public async Task SendManyAsync(IEnumerable<Message> messages, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            foreach (var message in messages)
            {
                _many.Write(Frames.Encode(message, _wire).Span);
            }
            await stream.WriteAsync(_many.WrittenMemory, ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _many.ResetWrittenCount();
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
