using System.Buffers;
using Psync.Protocol;

namespace Psync.Agent;

/// <summary>
/// The agent's output to the engine: frames written whole and synchronously, from any thread.
/// The request loop <see cref="Queue"/>s its answers while more requests are already read and
/// <see cref="Flush"/>es before it waits for the next, so a batch of requests gets its answers in
/// one write; everything else is <see cref="Send"/>t at once. (An async write of a console stream
/// is a blocking write handed to the thread pool: a thread switch per frame.)
/// </summary>
internal sealed class FrameOutput(Stream stream)
{
    /// <summary>Queued answers are written once they fill this much.</summary>
    private const int FlushAt = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly WireWriter _wire = new();
    private readonly ArrayBufferWriter<byte> _pending = new(FlushAt);

    /// <summary>Writes <paramref name="message"/>, after whatever is queued.</summary>
    public void Send(Message message)
    {
        lock (_lock)
        {
            _pending.Write(Frames.Encode(message, _wire).Span);
            FlushLocked();
        }
    }

    /// <summary>Adds <paramref name="message"/> to what the next <see cref="Flush"/> (or <see cref="Send"/>) writes.</summary>
    public void Queue(Message message)
    {
        lock (_lock)
        {
            _pending.Write(Frames.Encode(message, _wire).Span);
            if (_pending.WrittenCount >= FlushAt)
            {
                FlushLocked();
            }
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        if (_pending.WrittenCount == 0)
        {
            return;
        }
        try
        {
            stream.Write(_pending.WrittenSpan);
            stream.Flush();
        }
        finally
        {
            _pending.ResetWrittenCount();
        }
    }
}
