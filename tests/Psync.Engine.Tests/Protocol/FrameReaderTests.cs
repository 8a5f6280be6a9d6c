using Psync.Protocol;

namespace Psync.Engine.Tests.Protocol;

public sealed class FrameReaderTests
{
    private static byte[] Encode(params Message[] messages) =>
        [.. messages.SelectMany(m => Frames.Encode(m, new WireWriter()).ToArray())];

    [Fact]
    public void Read_FramesThatCameInOneRead_AreAllBuffered_ThenTheLastIsNot()
    {
        var sent = new Message[] { new OpRequest(1, new StatOp("a")), new OpRequest(2, new StatOp("b")), new OpRequest(3, new StatOp("c")) };
        var reader = new FrameReader(new MemoryStream(Encode(sent)));

        var first = reader.Read();
        var buffered = new List<bool> { reader.Buffered };
        var second = reader.Read();
        buffered.Add(reader.Buffered);
        var third = reader.Read();
        buffered.Add(reader.Buffered);

        Assert.Equal<Message>(sent, new[] { first!, second!, third! });
        Assert.Equal([true, true, false], buffered);
        Assert.Null(reader.Read());
    }

    [Fact]
    public void Read_AStreamThatGivesOneByteAtATime_StillReadsWholeFrames()
    {
        var sent = new Message[] { new Log(LogLevel.Info, "one"), new RescanNeeded("two") };
        var reader = new FrameReader(new Trickle(Encode(sent)));

        Assert.Equal(sent[0], reader.Read());
        Assert.False(reader.Buffered);
        Assert.Equal(sent[1], reader.Read());
        Assert.Null(reader.Read());
    }

    [Fact]
    public void Read_AFrameLargerThanTheBuffer_BetweenSmallOnes_ReadsAllThree()
    {
        // 300,000 bytes of path: more than the reader's 64 KiB buffer.
        var big = new Log(LogLevel.Warning, new string('x', 300_000));
        var sent = new Message[] { new RescanNeeded("before"), big, new RescanNeeded("after") };
        var reader = new FrameReader(new MemoryStream(Encode(sent)));

        Assert.Equal<Message>(sent, new[] { reader.Read()!, reader.Read()!, reader.Read()! });
        Assert.Null(reader.Read());
    }

    [Fact]
    public void Read_TheStreamEndsInsideAFrame_IsAProtocolError()
    {
        var frame = Encode(new RescanNeeded("cut short"));
        var reader = new FrameReader(new MemoryStream(frame[..^3]));

        var e = Assert.Throws<ProtocolException>(() => reader.Read());
        Assert.Contains("ended inside a frame", e.Message);
    }

    [Fact]
    public void Read_AnImpossibleLength_IsAProtocolError()
    {
        var reader = new FrameReader(new MemoryStream([0xff, 0xff, 0xff, 0x7f, 1]));

        var e = Assert.Throws<ProtocolException>(() => reader.Read());
        Assert.Contains("bad frame length", e.Message);
    }

    /// <summary>A stream that returns at most one byte per read, as a slow pipe may.</summary>
    private sealed class Trickle(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));
    }
}
