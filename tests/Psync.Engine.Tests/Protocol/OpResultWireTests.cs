using Psync.Protocol;

namespace Psync.Engine.Tests.Protocol;

public sealed class OpResultWireTests
{
    [Theory]
    [InlineData(OpReason.None)]
    [InlineData(OpReason.TargetChanged)]
    [InlineData(OpReason.SourceChanged)]
    [InlineData(OpReason.NotEmpty)]
    public async Task Encode_ThenRead_KeepsTheReason(OpReason reason)
    {
        var sent = new OpResult(7, OpStatus.Conflict, FileState.Absent, "words for people", null, 42, reason);
        using var stream = new MemoryStream(Frames.Encode(sent, new WireWriter()).ToArray());

        var read = await new FrameReader(stream).ReadAsync(CancellationToken.None);

        Assert.Equal(sent, read);
    }
}
