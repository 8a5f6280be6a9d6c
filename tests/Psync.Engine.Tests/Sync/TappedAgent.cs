using System.Diagnostics;
using Psync.Engine.Agents;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>
/// A real <c>psync-agent</c> whose requests pass through <see cref="Before"/> on their way in: a
/// test acts on the tree at an exact point of the engine's work (after an answer, before the next
/// request), which no timing can hit reliably.
/// </summary>
internal sealed class TappedAgent : Stream, IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _in;
    private int _disposed;

    private TappedAgent(string root, Func<Message, Task> before)
    {
        var psi = new ProcessStartInfo(LocalAgent.Locate(null)) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("--root");
        psi.ArgumentList.Add(root);
        _process = Process.Start(psi)!;
        _in = _process.StandardInput.BaseStream;
        Before = before;
    }

    /// <summary>Awaited with each request before the agent can read it.</summary>
    public Func<Message, Task> Before { get; }

    /// <summary>The engine's end of an agent on <paramref name="root"/> tapped by <paramref name="before"/>.</summary>
    public static AgentConnection Start(string root, Func<Message, Task> before)
    {
        var tapped = new TappedAgent(root, before);
        return new AgentConnection(tapped, tapped._process.StandardOutput.BaseStream, tapped);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // The engine writes whole frames, one or several a call.
        var frames = new FrameReader(new MemoryStream(buffer.ToArray()));
        while (frames.Read() is { } message)
        {
            await Before(message);
        }
        await _in.WriteAsync(buffer, cancellationToken);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _in.FlushAsync(cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _in.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        await base.DisposeAsync();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => _in.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
}
