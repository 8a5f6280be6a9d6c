using Psync.Engine.Remote;
using Renci.SshNet.Common;

namespace Psync.Engine.Tests.Remote;

public sealed class ChannelOutputTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadAsync_DataThenEndOfPipe_ReturnsDataThenZero()
    {
        var pipe = new PipeStream();
        await using var output = new ChannelOutput(pipe);
        var buffer = new byte[16];

        pipe.Write("hello"u8);
        var n = await output.ReadAsync(buffer).AsTask().WaitAsync(Deadline);
        pipe.Write("!"u8);
        pipe.Dispose(); // SSH.NET ends the stream this way when the channel closes
        var rest = await output.ReadAsync(buffer.AsMemory(n)).AsTask().WaitAsync(Deadline);
        var end = await output.ReadAsync(buffer).AsTask().WaitAsync(Deadline);

        Assert.Equal("hello!", System.Text.Encoding.ASCII.GetString(buffer, 0, n + rest));
        Assert.Equal(0, end);
        await output.Pump.WaitAsync(Deadline);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsWithoutData()
    {
        var pipe = new PipeStream();
        await using var output = new ChannelOutput(pipe);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => output.ReadAsync(new byte[4], cts.Token).AsTask().WaitAsync(Deadline));
    }

    [Fact]
    public async Task Dispose_PumpBlockedInRead_PumpEnds()
    {
        var output = new ChannelOutput(new PipeStream());

        await output.DisposeAsync();

        await output.Pump.WaitAsync(Deadline);
    }

    [Fact]
    public async Task ReadAsync_SmallBuffer_SplitsAChunk()
    {
        var pipe = new PipeStream();
        await using var output = new ChannelOutput(pipe);
        pipe.Write("abcdef"u8);
        pipe.Dispose();

        var result = new MemoryStream();
        await output.CopyToAsync(result, 4).WaitAsync(Deadline);

        Assert.Equal("abcdef"u8.ToArray(), result.ToArray());
    }
}
