using Renci.SshNet.Common;

namespace Psync.Engine.Remote;

/// <summary>
/// The agent's stdin over an SSH exec channel as a plain write-only stream: SSH.NET's errors (a
/// dropped connection throws <see cref="SshException"/>) become <see cref="IOException"/>, which is
/// what <see cref="Agents.AgentConnection"/> expects from a broken stream.
/// </summary>
/// <param name="inner">SSH.NET's input stream (<c>SshCommand.CreateInputStream()</c>).</param>
/// <param name="ended">Completes when the channel is gone; writes fail from then on (SSH.NET drops data sent on a closed channel without a word).</param>
/// <param name="traffic">Counts the bytes written, when given.</param>
internal sealed class ChannelInput(Stream inner, Task ended, TrafficCounter? traffic = null) : Stream
{
    public override bool CanRead => false;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ThrowIfEnded();
        try
        {
            inner.Write(buffer, offset, count);
            traffic?.AddSent(count);
        }
        catch (SshException e)
        {
            throw new IOException(e.Message, e);
        }
    }

    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        await WriteAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfEnded();
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            traffic?.AddSent(buffer.Length);
        }
        catch (SshException e)
        {
            throw new IOException(e.Message, e);
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                // Sends EOF, which fails when the connection is already gone: nothing left to close then.
                inner.Dispose();
            }
            catch (Exception e) when (e is SshException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
        base.Dispose(disposing);
    }

    private void ThrowIfEnded()
    {
        if (ended.IsCompleted)
        {
            throw new IOException("the agent's SSH channel is closed");
        }
    }
}
