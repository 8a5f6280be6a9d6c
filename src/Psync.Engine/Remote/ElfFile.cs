using System.Buffers.Binary;

namespace Psync.Engine.Remote;

/// <summary>What the ELF header of a program says about where it can run.</summary>
/// <param name="Machine">The CPU it is built for, as <c>uname -m</c> names it (x86_64, aarch64), or <c>machine N</c>.</param>
/// <param name="Interpreter">The dynamic loader it needs (e.g. /lib64/ld-linux-x86-64.so.2); null for a static program.</param>
public sealed record ElfFile(string Machine, string? Interpreter)
{
    private const int PtInterp = 3;

    /// <summary>True when the program loads nothing from the host: no dynamic loader, hence no libc or .NET of the host's.</summary>
    public bool IsStatic => Interpreter is null;

    /// <summary>Reads the header and program headers of a 64-bit little-endian ELF file.</summary>
    /// <returns>Null when the file is not such an ELF program (a script, a .NET assembly, a truncated file).</returns>
    public static ElfFile? Read(string path)
    {
        using var file = File.OpenRead(path);
        var header = new byte[64];
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length
            || !header.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || header[4] != 2 || header[5] != 1)
        {
            return null;
        }
        var machine = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(18)) switch
        {
            62 => "x86_64",
            183 => "aarch64",
            var other => $"machine {other}",
        };
        var phoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(32));
        var phentsize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(54));
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(56));
        if (phentsize < 56 || phoff <= 0 || phoff + (long)phentsize * phnum > file.Length)
        {
            return null;
        }
        var entry = new byte[phentsize];
        for (var i = 0; i < phnum; i++)
        {
            file.Position = phoff + (long)i * phentsize;
            file.ReadExactly(entry);
            if (BinaryPrimitives.ReadUInt32LittleEndian(entry) != PtInterp)
            {
                continue;
            }
            var offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(8));
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(entry.AsSpan(32)), 4096);
            var name = new byte[size];
            file.Position = offset;
            file.ReadAtLeast(name, size, throwOnEndOfStream: false);
            return new ElfFile(machine, System.Text.Encoding.UTF8.GetString(name).TrimEnd('\0'));
        }
        return new ElfFile(machine, null);
    }
}
