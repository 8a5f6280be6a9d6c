using System.Text;

namespace Psync.Protocol;

/// <summary>
/// Lossless conversion between Linux file names (arbitrary bytes but NUL) and .NET strings.
/// Valid UTF-8 decodes as usual; every byte that is not part of a valid UTF-8 sequence becomes
/// the lone surrogate U+DC80..U+DCFF (Python's "surrogateescape"), which valid UTF-8 can never
/// produce, so <c>Encode(Decode(b)) == b</c> for every byte string.
/// </summary>
public static class PathCodec
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes file-name bytes to a string, escaping invalid bytes.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Strict.GetString(bytes);
        }
        var sb = new StringBuilder(bytes.Length);
        var rest = bytes;
        while (!rest.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(rest, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                sb.Append(rune.ToString());
            }
            else
            {
                // One invalid byte at a time: the next byte may start a valid sequence.
                consumed = 1;
                sb.Append((char)(0xDC00 + rest[0]));
            }
            rest = rest[consumed..];
        }
        return sb.ToString();
    }

    /// <summary>Encodes a string produced by <see cref="Decode"/> back to the exact bytes.</summary>
    public static byte[] Encode(string s)
    {
        if (!HasEscapes(s))
        {
            return Strict.GetBytes(s);
        }
        var buffer = new List<byte>(s.Length + 8);
        Span<byte> tmp = stackalloc byte[4];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '\uDC80' and <= '\uDCFF')
            {
                buffer.Add((byte)(c - 0xDC00));
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                var n = new Rune(c, s[i + 1]).EncodeToUtf8(tmp);
                buffer.AddRange(tmp[..n]);
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                throw new ArgumentException("The path holds a lone surrogate that no file name can have.", nameof(s));
            }
            var m = new Rune(c).EncodeToUtf8(tmp);
            buffer.AddRange(tmp[..m]);
        }
        return [.. buffer];
    }

    private static bool HasEscapes(string s)
    {
        foreach (var c in s)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A printable form for logs and messages: escapes are shown as \xNN, control characters as \n or \xNN.</summary>
    public static string Display(string path)
    {
        var sb = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c is >= '\uDC80' and <= '\uDCFF')
            {
                sb.Append("\\x").Append(((int)c - 0xDC00).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (c == '\n')
            {
                sb.Append("\\n");
            }
            else if (c == '\\')
            {
                sb.Append("\\\\");
            }
            else if (char.IsControl(c))
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// The inverse of <see cref="Display"/>: \xNN (80 to ff: a byte that is not UTF-8; below: that
    /// character), \n and \\ back into the path they show. Null when an escape is malformed.
    /// </summary>
    public static string? ParseDisplay(string shown)
    {
        var sb = new StringBuilder(shown.Length);
        for (var i = 0; i < shown.Length; i++)
        {
            if (shown[i] != '\\')
            {
                sb.Append(shown[i]);
                continue;
            }
            if (i + 1 >= shown.Length)
            {
                return null;
            }
            switch (shown[++i])
            {
                case '\\':
                    sb.Append('\\');
                    break;
                case 'n':
                    sb.Append('\n');
                    break;
                case 'x' when i + 2 < shown.Length && byte.TryParse(shown.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var b):
                    sb.Append(b >= 0x80 ? (char)(0xDC00 + b) : (char)b);
                    i += 2;
                    break;
                default:
                    return null;
            }
        }
        return sb.ToString();
    }
}
