using System.Net.Sockets;
using System.Security.Cryptography;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Psync.Engine.Remote;

/// <summary>
/// One logged-in SSH connection to the right host (SSH.NET), with its key checked against the
/// pinned keys. Runs commands and opens the agent's exec channel; SFTP uses a second connection
/// with the same checks.
/// </summary>
public sealed class SshSession : IAsyncDisposable
{
    private readonly SshClient _client;
    private readonly IPrivateKeySource _key;
    private readonly SshSessionOptions _options;
    private readonly HostKeyVerifier _verifier;
    private readonly KnownHosts _knownHosts;
    private readonly CancellationTokenSource _closed = new();

    private SshSession(SshClient client, IPrivateKeySource key, SshSessionOptions options, HostKeyVerifier verifier, KnownHosts knownHosts)
    {
        _knownHosts = knownHosts;
        _client = client;
        _key = key;
        _options = options;
        _verifier = verifier;
        // SSH.NET reports a dropped connection here (socket error, failed keep-alive); channels do not always notice by themselves.
        _client.ErrorOccurred += (_, _) => SignalClosed();
    }

    /// <summary>The host this session is logged in to.</summary>
    public RemoteAddress Address => _options.Address;

    /// <summary>The fingerprint of the key the host presented (and that matched the pinned one).</summary>
    public string HostKeyFingerprint => _verifier.Accepted ?? throw new InvalidOperationException("not connected");

    /// <summary>False once the connection dropped or was closed.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Cancelled when the connection drops (as far as SSH.NET notices) or the session is disposed.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Connects and logs in with the key file, checking the host key against <paramref name="knownHosts"/>.</summary>
    /// <exception cref="HostKeyException">The host key is unknown (and not the accepted fingerprint) or changed.</exception>
    /// <exception cref="KeyFileException">The key file is unusable (or needs a passphrase that was not given or is wrong).</exception>
    /// <exception cref="RemoteException">The host is unreachable or silent, the login refused, or the ssh-agent unusable.</exception>
    public static async Task<SshSession> ConnectAsync(SshSessionOptions options, KnownHosts knownHosts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(knownHosts);
        var key = LoadKeys(options);
        var verifier = new HostKeyVerifier(options.Address, knownHosts, options.AcceptFingerprint);
        var client = new SshClient(CreateConnectionInfo(options, key, knownHosts));
        try
        {
            client.KeepAliveInterval = options.KeepAliveInterval;
            await ConnectAsync(client, options, verifier, ct).ConfigureAwait(false);
            return new SshSession(client, key, options, verifier, knownHosts);
        }
        catch
        {
            client.Dispose();
            (key as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>Runs one command line (quote every value with <see cref="ShellQuote"/>) and collects its exit status and output.</summary>
    /// <exception cref="RemoteException">The connection failed.</exception>
    public async Task<RemoteCommandResult> RunAsync(string commandText, CancellationToken ct = default)
    {
        try
        {
            using var command = _client.CreateCommand(commandText);
            await command.ExecuteAsync(ct).ConfigureAwait(false);
            return new RemoteCommandResult(command.ExitStatus ?? -1, command.Result, command.Error, command.ExitSignal);
        }
        catch (Exception e) when (e is SshException or SocketException or ObjectDisposedException)
        {
            throw new RemoteException($"{Address}: the connection failed while running a command: {e.Message}", e);
        }
    }

    /// <summary>A command on this connection, not yet started (for the agent's long-lived exec channel).</summary>
    internal SshCommand CreateCommand(string commandText) => _client.CreateCommand(commandText);

    /// <summary>Opens an SFTP connection with the same login and host key check; the caller disposes it.</summary>
    internal async Task<SftpClient> ConnectSftpAsync(CancellationToken ct)
    {
        var sftp = new SftpClient(CreateConnectionInfo(_options, _key, _knownHosts));
        try
        {
            await ConnectAsync(sftp, _options, _verifier, ct).ConfigureAwait(false);
            return sftp;
        }
        catch
        {
            sftp.Dispose();
            throw;
        }
    }

    /// <summary>Closes the connection; channels on it (a running agent) end with it.</summary>
    public ValueTask DisposeAsync()
    {
        SignalClosed();
        _client.Dispose();
        (_key as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private void SignalClosed()
    {
        try
        {
            _closed.Cancel();
        }
        catch (AggregateException)
        {
            // a registration failed; the others ran
        }
    }

    private static ConnectionInfo CreateConnectionInfo(SshSessionOptions options, IPrivateKeySource key, KnownHosts knownHosts)
    {
        var info = new ConnectionInfo(options.Address.Host, options.Address.Port, options.Address.User, new PrivateKeyAuthenticationMethod(options.Address.User, key))
        {
            Timeout = options.ConnectTimeout,
        };
        var algorithms = info.HostKeyAlgorithms;
        // Host keys are pinned, not signed by a CA: a certificate would be a different blob with a different fingerprint.
        foreach (var name in algorithms.Keys.Where(n => n.Contains("-cert-", StringComparison.Ordinal)).ToList())
        {
            algorithms.Remove(name);
        }
        // Like OpenSSH, ask first for the type of the pinned key, so a host with several keys presents the pinned one.
        if (knownHosts.Get(options.Address.Host, options.Address.Port) is { } pinned)
        {
            foreach (var (name, create) in algorithms.Where(a => KeyTypeOfAlgorithm(a.Key) != pinned.KeyType).ToList())
            {
                algorithms.Remove(name);
                algorithms.Add(name, create);
            }
        }
        return info;
    }

    private static string KeyTypeOfAlgorithm(string algorithm) =>
        algorithm is "rsa-sha2-512" or "rsa-sha2-256" ? "ssh-rsa" : algorithm;

    private static IPrivateKeySource LoadKeys(SshSessionOptions options)
    {
        if (options.AgentSocket is { } socket)
        {
            return new AgentKeySource(new SshAgentClient(socket), options.IdentityFile is { } file ? PublicKeyBlob(file) : null);
        }
        return LoadKey(options.IdentityFile ?? throw new ArgumentException("an identity file or an agent socket is needed", nameof(options)), options.Passphrase);
    }

    /// <summary>True when <paramref name="keyFile"/> is a private key that cannot be read without a passphrase.</summary>
    public static bool NeedsPassphrase(string keyFile)
    {
        try
        {
            new PrivateKeyFile(keyFile).Dispose();
            return false;
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            return true;
        }
        catch (Exception e) when (IsUnusableKey(e))
        {
            return false; // unusable for another reason, which the login then names
        }
    }

    /// <summary>Why a pasted private key cannot be used with <paramref name="passphrase"/>, in words for a form field; null when it can.</summary>
    public static string? KeyProblem(string keyText, string? passphrase)
    {
        try
        {
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(keyText));
            new PrivateKeyFile(stream, string.IsNullOrEmpty(passphrase) ? null : passphrase).Dispose();
            return null;
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            return "This key is protected by a passphrase: enter it.";
        }
        catch (Exception e) when (IsUnusableKey(e))
        {
            return string.IsNullOrEmpty(passphrase) ? $"This key cannot be read: {e.Message}" : "The passphrase does not open this key.";
        }
    }

    /// <summary>Reads and, with <paramref name="passphrase"/>, decrypts a private key file.</summary>
    /// <exception cref="KeyFileException">The file is unreadable, not a key, protected by a passphrase that was not given, or the passphrase is wrong.</exception>
    internal static PrivateKeyFile LoadKey(string keyFile, string? passphrase)
    {
        try
        {
            return new PrivateKeyFile(keyFile, passphrase);
        }
        catch (SshPassPhraseNullOrEmptyException e)
        {
            throw new KeyFileException($"the key file {keyFile} is protected by a passphrase, and none was given: psync asks for it at a terminal or reads PSYNC_KEY_PASSPHRASE (or use your ssh-agent: --ssh-agent); the web app keeps it with the host", e);
        }
        catch (Exception e) when (IsUnusableKey(e))
        {
            var reason = passphrase is null ? e.Message : $"{e.Message} (is the passphrase right?)";
            throw new KeyFileException($"cannot use the key file {keyFile}: {reason}", e);
        }
    }

    /// <summary>What SSH.NET throws for a key it cannot read or decrypt (and the file system for a key file it cannot open).</summary>
    private static bool IsUnusableKey(Exception e) =>
        e is SshException or IOException or UnauthorizedAccessException or CryptographicException
            or ArgumentException or FormatException or InvalidOperationException or NotSupportedException;

    /// <summary>The public key blob of <paramref name="keyFile"/>'s <c>.pub</c> (or of the file itself when it is one); null when there is none.</summary>
    private static byte[]? PublicKeyBlob(string keyFile)
    {
        foreach (var candidate in new[] { keyFile + ".pub", keyFile })
        {
            if (File.Exists(candidate) && File.ReadLines(candidate).FirstOrDefault()?.Split(' ') is [_, var base64, ..])
            {
                try
                {
                    return Convert.FromBase64String(base64);
                }
                catch (FormatException)
                {
                    // not a public key line (a private key file)
                }
            }
        }
        return null;
    }

    private static async Task ConnectAsync(BaseClient client, SshSessionOptions options, HostKeyVerifier verifier, CancellationToken ct)
    {
        var address = options.Address;
        client.HostKeyReceived += verifier.OnHostKeyReceived;
        // SSH.NET's ConnectAsync is asynchronous only up to the banner; the key exchange and the login
        // then wait synchronously and hold a pool thread (on a small machine that starves the pool for
        // seconds). A dedicated thread does the whole connect, and the caller waits asynchronously.
        var connecting = Task.Factory.StartNew(client.Connect, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await connecting.WaitAsync(options.ConnectTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception) when (verifier.TakeFailure() is { } refused)
        {
            throw refused;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Closing the socket ends the connect on its thread; its outcome no longer matters.
            _ = connecting.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            client.Dispose();
            if (ct.IsCancellationRequested)
            {
                throw;
            }
            throw new RemoteException($"{address}: no SSH login within {options.ConnectTimeout.TotalSeconds:0.#} s", e);
        }
        catch (SshOperationTimeoutException e)
        {
            throw new RemoteException($"{address}: no SSH login within {options.ConnectTimeout.TotalSeconds:0.#} s ({e.Message})", e);
        }
        catch (SshAuthenticationException e)
        {
            // No key file path here: the appliance's is a temporary copy, meaningless to the person reading it.
            throw new RemoteException($"{address}: the server did not accept the {(options.AgentSocket is null ? "key" : "ssh-agent's key")} for this login ({e.Message})", e);
        }
        catch (SocketException e)
        {
            throw new RemoteException($"cannot reach {address.HostForDisplay}:{address.Port}: {e.Message}", e);
        }
        catch (Exception e) when (e is SshException or ProxyException)
        {
            throw new RemoteException($"{address}: {e.Message}", e);
        }
    }
}

/// <summary>What a remote command did.</summary>
/// <param name="ExitStatus">The exit status; -1 when the command ended without one (killed by a signal).</param>
/// <param name="Output">Its standard output.</param>
/// <param name="Error">Its standard error.</param>
/// <param name="ExitSignal">The signal that ended it, if any.</param>
public sealed record RemoteCommandResult(int ExitStatus, string Output, string Error, string? ExitSignal = null)
{
    /// <summary>True for exit status 0.</summary>
    public bool Succeeded => ExitStatus == 0;
}
