namespace Psync.Engine.Remote;

/// <summary>How to reach and log in to the right host.</summary>
public sealed record SshSessionOptions
{
    /// <summary>[user@]host[:port].</summary>
    public required RemoteAddress Address { get; init; }

    /// <summary>
    /// The private key file (OpenSSH or PEM format; ed25519, ECDSA or RSA). With <see cref="AgentSocket"/>
    /// it only selects which of the agent's keys to offer (by its <c>.pub</c> beside it, or itself when it is one); it may then be null.
    /// </summary>
    public string? IdentityFile { get; init; }

    /// <summary>The key file's passphrase; null for an unencrypted key.</summary>
    public string? Passphrase { get; init; }

    /// <summary>An ssh-agent's socket: log in with its keys (the agent signs) instead of reading <see cref="IdentityFile"/>.</summary>
    public string? AgentSocket { get; init; }

    /// <summary>How long the TCP connect, key exchange and login may take together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an idle connection sends a keep-alive; <see cref="Timeout.InfiniteTimeSpan"/> sends none.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A fingerprint (<c>SHA256:...</c>) the user confirmed beforehand (<c>--accept-host-key</c>): an
    /// unknown host presenting exactly this key is pinned and accepted. It never overrides a pinned key that changed.
    /// </summary>
    public string? AcceptFingerprint { get; init; }
}
