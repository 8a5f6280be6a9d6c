using System.Buffers.Binary;

namespace Psync.Protocol;

/// <summary>Reads what <see cref="WireWriter"/> wrote; throws <see cref="ProtocolException"/> on a short or malformed payload.</summary>
public ref struct WireReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _data = data;

    public readonly bool AtEnd => _data.IsEmpty;

    public byte U8() => Take(1)[0];

    public bool Bool() => U8() != 0;

    public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public ReadOnlySpan<byte> Bytes()
    {
        var n = I32();
        if (n < 0)
        {
            throw new ProtocolException("negative length");
        }
        return Take(n);
    }

    public string Str() => PathCodec.Decode(Bytes());

    public string? OptStr() => Bool() ? Str() : null;

    public string[] Strs()
    {
        var n = I32();
        if (n < 0 || n > _data.Length)
        {
            throw new ProtocolException("bad list length");
        }
        var result = new string[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = Str();
        }
        return result;
    }

    public FileState State()
    {
        var kind = (EntryKind)U8();
        if (kind == EntryKind.Absent)
        {
            return FileState.Absent;
        }
        if (kind > EntryKind.Other)
        {
            throw new ProtocolException($"unknown entry kind {(byte)kind}");
        }
        return new FileState(kind, I64(), I64(), U32(), U64(), I64(), OptStr()) { Uid = U32(), Gid = U32(), XattrHash = U64() };
    }

    public Expect Expect() => new(Bool(), State());

    /// <summary>An optional numeric owner and group.</summary>
    public (uint Uid, uint Gid)? Owner() => Bool() ? (U32(), U32()) : null;

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n > _data.Length)
        {
            throw new ProtocolException("truncated message");
        }
        var result = _data[..n];
        _data = _data[n..];
        return result;
    }
}

/// <summary>The peer sent something this side cannot understand.</summary>
public sealed class ProtocolException(string message) : Exception(message);
