using System.Buffers;
using System.Buffers.Binary;

namespace Psync.Protocol;

/// <summary>Little-endian primitives for message payloads. Strings go as length-prefixed bytes via <see cref="PathCodec"/>, so any file name survives.</summary>
public sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public int Length => _buffer.WrittenCount;

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void Clear() => _buffer.ResetWrittenCount();

    public void U8(byte v)
    {
        _buffer.GetSpan(1)[0] = v;
        _buffer.Advance(1);
    }

    public void Bool(bool v) => U8(v ? (byte)1 : (byte)0);

    public void I32(int v)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), v);
        _buffer.Advance(4);
    }

    public void U32(uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), v);
        _buffer.Advance(4);
    }

    public void I64(long v)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), v);
        _buffer.Advance(8);
    }

    public void U64(ulong v)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), v);
        _buffer.Advance(8);
    }

    public void Bytes(ReadOnlySpan<byte> v)
    {
        I32(v.Length);
        v.CopyTo(_buffer.GetSpan(v.Length));
        _buffer.Advance(v.Length);
    }

    public void Str(string v) => Bytes(PathCodec.Encode(v));

    /// <summary>A nullable string: a presence byte, then the string.</summary>
    public void OptStr(string? v)
    {
        Bool(v is not null);
        if (v is not null)
        {
            Str(v);
        }
    }

    public void Strs(IReadOnlyList<string> v)
    {
        I32(v.Count);
        foreach (var s in v)
        {
            Str(s);
        }
    }

    public void State(in FileState s)
    {
        U8((byte)s.Kind);
        if (s.Kind == EntryKind.Absent)
        {
            return;
        }
        I64(s.Size);
        I64(s.MtimeNs);
        U32(s.Mode);
        U64(s.Inode);
        I64(s.CtimeNs);
        OptStr(s.LinkTarget);
        U32(s.Uid);
        U32(s.Gid);
        U64(s.XattrHash);
    }

    public void Expect(in Expect e)
    {
        Bool(e.Check);
        State(e.State);
    }
}
