using System.Net.Sockets;
using System.Text;

namespace Psync.Agent;

/// <summary>
/// rsync's "remote shell" for a remote pair: <c>rsync -e 'psync-agent --rsync-stream SOCKET N ssh …'</c>.
/// It connects to SOCKET (forwarded by the engine's ssh to the remote agent's <see cref="RsyncServer"/>),
/// names the command rsync asked for, and relays rsync's input and output. If the socket is not there,
/// or the agent does not answer (ssh may refuse to forward), it runs the N ssh words instead, as rsync
/// would have without it: the transfer then costs a login shell, but it still happens.
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
    private const int Buffer = 256 * 1024;

    /// <param name="args">SOCKET, N, the N words of the ssh command, then what rsync appends: the host and the remote command.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || !int.TryParse(args[1], out var count) || count < 1 || args.Length < 2 + count + 3)
        {
            await Console.Error.WriteLineAsync("usage: psync-agent --rsync-stream SOCKET N SSH-WORDS… HOST rsync --server …").ConfigureAwait(false);
            return 2;
        }
        var ssh = args[2..];
        var command = args[(2 + count + 1)..];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // Two connections at once: the command, and one for rsync's standard error (its messages name what failed).
        var token = Convert.ToHexStringLower(RsyncServer.RandomBytes(16));
        var errorsTask = ConnectAsync(args[0], [StderrRequest, token], answer: false, timeout.Token);
        var socket = await ConnectAsync(args[0], [StderrPrefix + token, .. command], answer: true, timeout.Token).ConfigureAwait(false);
        var errors = await errorsTask.ConfigureAwait(false);
        if (errors is null || socket is null)
        {
            errors?.Dispose();
            socket?.Dispose();
            return RsyncShell.ExecVp(ssh);
        }
        using var stream = new NetworkStream(socket, ownsSocket: true);
        using var errorStream = new NetworkStream(errors, ownsSocket: true);
        using var input = Console.OpenStandardInput(Buffer);
        using var output = Console.OpenStandardOutput(Buffer);
        using var error = Console.OpenStandardError();
        var relayErrors = errorStream.CopyToAsync(error);
        _ = Task.Run(async () =>
        {
            await input.CopyToAsync(stream, Buffer).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
        });
        await stream.CopyToAsync(output, Buffer).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
        // rsync has exited there: what it said ends with it.
        await relayErrors.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return 0;
    }

    /// <summary>A connection with <paramref name="header"/> sent (and, with <paramref name="answer"/>, taken: <see cref="Ready"/> came back), or null when there is no agent to take it.</summary>
    private static async Task<Socket?> ConnectAsync(string path, string[] header, bool answer, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
            await WriteHeaderAsync(socket, header, ct).ConfigureAwait(false);
            var ready = new byte[1];
            if (!answer || (await socket.ReceiveAsync(ready, SocketFlags.None, ct).ConfigureAwait(false) == 1 && ready[0] == Ready))
            {
                return socket;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
        }
        socket.Dispose();
        return null;
    }

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
