using System.Net.Sockets;
using System.Text;

namespace Psync.Agent;

/// <summary>
/// The protocol of an rsync connection to <see cref="RsyncServer"/>, which native/rsync-stream.c
/// (<c>psync-rsync-stream</c>, rsync's "remote shell" for a remote pair on the engine's host)
/// speaks: a header naming the command, then one <see cref="Ready"/> byte back once it runs.
/// </summary>
internal static class RsyncStream
{
    /// <summary>The agent's answer when it has taken the command; rsync's own bytes follow.</summary>
    public const byte Ready = 0;

    /// <summary>A header of this word and a token (no answer) gives the connection to carry the standard error of the command that names the token.</summary>
    public const string StderrRequest = "psync-stderr";

    /// <summary>A command's first word <c>psync-stderr=TOKEN</c> names the connection for its standard error.</summary>
    public const string StderrPrefix = "psync-stderr=";

    private const int MaxHeader = 64 * 1024;

    /// <summary>The command: each word NUL-terminated, then an empty word. No words is a probe.</summary>
    public static async Task WriteHeaderAsync(Socket socket, IReadOnlyList<string> argv, CancellationToken ct)
    {
        var header = new List<byte>();
        foreach (var word in argv)
        {
            header.AddRange(Encoding.UTF8.GetBytes(word));
            header.Add(0);
        }
        header.Add(0);
        await socket.SendAsync(header.ToArray(), SocketFlags.None, ct).ConfigureAwait(false);
    }

    /// <summary>Reads what <see cref="WriteHeaderAsync"/> wrote (nothing may follow it before the answer).</summary>
    /// <exception cref="InvalidDataException">The header is too long, cut short, or has bytes after its end.</exception>
    public static async Task<string[]> ReadHeaderAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[MaxHeader];
        var length = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, ct).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidDataException("the connection closed before the command's end");
            }
            length += read;
            var end = EndOfHeader(buffer.AsSpan(0, length));
            if (end == length)
            {
                break;
            }
            if (end > 0 || length == MaxHeader)
            {
                throw new InvalidDataException(end > 0 ? "bytes after the command" : "the command is too long");
            }
        }
        var words = Encoding.UTF8.GetString(buffer, 0, length - 1).Split('\0');
        return words[..^1];
    }

    /// <summary>The length up to and with the empty word that ends the header, or 0 if it has not come.</summary>
    private static int EndOfHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0 && data[0] == 0)
        {
            return 1;
        }
        var end = data.IndexOf((ReadOnlySpan<byte>)[0, 0]);
        return end < 0 ? 0 : end + 2;
    }
}
