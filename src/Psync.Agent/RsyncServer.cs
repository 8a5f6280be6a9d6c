using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Psync.Agent.Native;
using Psync.Protocol;

namespace Psync.Agent;

/// <summary>
/// rsync's remote end, started by the agent instead of by a login shell (<c>psync-agent --serve-rsync</c>).
/// The agent listens on a unix socket in a private folder; the engine forwards a local socket to it
/// over its pinned ssh connection, and rsync's "remote shell" is <c>psync-rsync-stream</c>
/// (native/rsync-stream.c, protocol in <see cref="RsyncStream"/>). Each connection names the command (<see cref="RsyncStream.WriteHeaderAsync"/>),
/// and the agent starts it with the connection as its input and output. So a batch costs one ssh
/// channel, not a session whose shell reads the user's <c>.bashrc</c> before rsync can start.
/// </summary>
/// <remarks>
/// Only the agent's own user may connect (the folder is mode 0700, and the peer's uid is checked),
/// only <c>rsync --server …</c> is run (rsync found on the agent's PATH, as a login shell would find
/// it), and never through a shell: with <c>-s</c> no file name is in the command at all.
/// </remarks>
internal sealed class RsyncServer : IDisposable
{
    private readonly string _dir;
    private readonly Socket _listener;

    /// <summary>Connections that will carry a command's standard error, by the token they were given.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<Socket>> _stderr = new(StringComparer.Ordinal);

    private RsyncServer(string dir, Socket listener)
    {
        _dir = dir;
        _listener = listener;
    }

    /// <summary>The socket's path, for the engine to forward to.</summary>
    public string SocketPath => Path.Combine(_dir, "s");

    /// <summary>Listens in a new private folder (under $XDG_RUNTIME_DIR if there is one, else the temp folder); null if it cannot.</summary>
    public static RsyncServer? TryStart(Action<string> warn)
    {
        string? dir = null;
        try
        {
            var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            var parent = runtime is { Length: > 0 } && Directory.Exists(runtime) ? runtime : Path.GetTempPath();
            // Mode 0700 and a name nobody can guess: nobody else can reach a socket inside it.
            dir = Path.Combine(parent, "psync-rsync-" + Convert.ToHexStringLower(RandomBytes(8)));
            if (Encoding.UTF8.GetByteCount(dir) > 100)
            {
                throw new IOException($"{dir} is too long for a socket path");
            }
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(dir, "s")));
            listener.Listen(16);
            return new RsyncServer(dir, listener);
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException or ArgumentException)
        {
            warn($"cannot listen for rsync ({e.Message}); each transfer will start rsync through a login shell");
            if (dir is not null)
            {
                Directory.Delete(dir, recursive: true);
            }
            return null;
        }
    }

    /// <summary>From the kernel (not .NET's generator: it loads libssl, which a host need not have).</summary>
    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        using var random = File.OpenRead("/dev/urandom");
        random.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Serves connections until <paramref name="ct"/> is cancelled, telling <paramref name="log"/> what a person may want to know.</summary>
    public async Task RunAsync(Action<LogLevel, string> log, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(connection, log, ct), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket connection, Action<LogLevel, string> log, CancellationToken ct)
    {
        var kept = false;
        try
        {
            kept = await ServeOrKeepAsync(connection, log, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other end went away.
        }
        finally
        {
            if (!kept)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Answers one connection; true when it is kept for a command's standard error.</summary>
    private async Task<bool> ServeOrKeepAsync(Socket connection, Action<LogLevel, string> log, CancellationToken ct)
    {
        if (PeerUid(connection) != Libc.geteuid())
        {
            log(LogLevel.Warning, "refused an rsync connection from another user");
            return false;
        }
        string[] argv;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            argv = await RsyncStream.ReadHeaderAsync(connection, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException)
        {
            log(LogLevel.Warning, $"an rsync connection sent no valid command: {e.Message}");
            return false;
        }
        if (argv.Length == 0)
        {
            // A probe: the engine checks that its forward reaches us.
            await connection.SendAsync(new byte[] { RsyncStream.Ready }, SocketFlags.None, ct).ConfigureAwait(false);
            return false;
        }
        if (argv is [RsyncStream.StderrRequest, var token])
        {
            KeepForStderr(token, connection);
            return true;
        }
        Socket? stderr = null;
        if (argv[0].StartsWith(RsyncStream.StderrPrefix, StringComparison.Ordinal))
        {
            stderr = await ClaimStderrAsync(argv[0][RsyncStream.StderrPrefix.Length..]).ConfigureAwait(false);
            argv = argv[1..];
        }
        using var stderrOwner = stderr;
        if (argv is not ["rsync", "--server", ..])
        {
            log(LogLevel.Warning, $"refused to run '{string.Join(' ', argv.Take(2))}' for an rsync connection: only rsync --server is served");
            return false;
        }
        // Ready goes first: rsync speaks as soon as it starts, and the stream must not interleave.
        await connection.SendAsync(new byte[] { RsyncStream.Ready }, SocketFlags.None, ct).ConfigureAwait(false);
        var pid = Spawn(argv, (int)connection.Handle, stderr is null ? 2 : (int)stderr.Handle, out var error);
        if (pid < 0)
        {
            log(LogLevel.Warning, $"cannot run {argv[0]}: {error}");
            return false;
        }
        _ = Task.Factory.StartNew(() => Reap(pid, argv[0], log), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return false;
    }

    /// <summary>
    /// Keeps a connection for the standard error of the command that names its token (rsync's
    /// server says what went wrong there: "Permission denied", "No space left on device"). The
    /// two connections are opened at once, so either may come first; one no command claims
    /// within a minute is dropped.
    /// </summary>
    private void KeepForStderr(string token, Socket connection)
    {
        var slot = _stderr.GetOrAdd(token, _ => new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!slot.TrySetResult(connection))
        {
            connection.Dispose();
            return;
        }
        _ = Task.Delay(TimeSpan.FromMinutes(1), CancellationToken.None).ContinueWith(_ =>
        {
            if (_stderr.TryRemove(new KeyValuePair<string, TaskCompletionSource<Socket>>(token, slot)))
            {
                connection.Dispose();
            }
        }, TaskScheduler.Default);
    }

    /// <summary>The connection kept for <paramref name="token"/>, waiting a little for it; null (the agent's own stderr) if it does not come.</summary>
    private async Task<Socket?> ClaimStderrAsync(string token)
    {
        var slot = _stderr.GetOrAdd(token, _ => new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            return await slot.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _stderr.TryRemove(new KeyValuePair<string, TaskCompletionSource<Socket>>(token, slot));
        }
    }

    /// <summary>Starts <paramref name="argv"/> (found on PATH, no shell) with <paramref name="fd"/> as its standard input and output, <paramref name="errorFd"/> as its standard error.</summary>
    private static unsafe int Spawn(string[] argv, int fd, int errorFd, out string error)
    {
        var strings = argv.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => Marshal.StringToCoTaskMemUTF8($"{e.Key}={e.Value}")).ToArray();
        var actions = stackalloc byte[256]; // larger than glibc's and musl's posix_spawn_file_actions_t
        try
        {
            var args = stackalloc nint[strings.Length + 1];
            var env = stackalloc nint[environment.Length + 1];
            strings.CopyTo(new Span<nint>(args, strings.Length));
            environment.CopyTo(new Span<nint>(env, environment.Length));
            args[strings.Length] = 0;
            env[environment.Length] = 0;
            Libc.posix_spawn_file_actions_init(actions);
            Libc.posix_spawn_file_actions_adddup2(actions, fd, 0);
            Libc.posix_spawn_file_actions_adddup2(actions, fd, 1);
            Libc.posix_spawn_file_actions_adddup2(actions, errorFd, 2);
            int pid;
            var status = Libc.posix_spawnp(&pid, (byte*)strings[0], actions, null, (byte**)args, (byte**)env);
            Libc.posix_spawn_file_actions_destroy(actions);
            error = status == 0 ? "" : Libc.Describe(status);
            return status == 0 ? pid : -1;
        }
        finally
        {
            foreach (var p in strings.Concat(environment))
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    private static unsafe void Reap(int pid, string program, Action<LogLevel, string> log)
    {
        var status = 0;
        int reaped;
        while ((reaped = Libc.waitpid(pid, &status, 0)) < 0 && Libc.Errno == 4 /* EINTR */)
        {
        }
        if (reaped == pid && status != 0)
        {
            // rsync tells its client what went wrong (its standard error is relayed), and the batch's
            // error says it in the event log: this is for the engine's log only, not a second event.
            var code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
            log(LogLevel.Info, $"{program} --server exited with status {code}");
        }
    }

    private static unsafe uint PeerUid(Socket socket)
    {
        var credentials = stackalloc uint[3]; // struct ucred: pid, uid, gid
        var length = 12u;
        return Libc.getsockopt((int)socket.Handle, Libc.SolSocket, Libc.SoPeerCred, credentials, &length) == 0 ? credentials[1] : uint.MaxValue;
    }

    public void Dispose()
    {
        _listener.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
