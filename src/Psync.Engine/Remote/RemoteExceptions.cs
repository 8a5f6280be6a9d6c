namespace Psync.Engine.Remote;

/// <summary>The right host could not be reached, refused us, or lacks something Psync needs; the message says what, for the user.</summary>
public sealed class RemoteException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Why a host key was refused.</summary>
public enum HostKeyProblem
{
    /// <summary>No key is pinned for this host and port yet: ask the user to confirm the fingerprint.</summary>
    Unknown,

    /// <summary>The host presented a different key than the one pinned: refuse (a rebuilt host, or someone in between).</summary>
    Changed,
}

/// <summary>
/// The host's key is not the pinned one. For <see cref="HostKeyProblem.Unknown"/>, show
/// <see cref="Fingerprint"/> to the user and, once confirmed, call
/// <see cref="KnownHosts.Trust"/> with <see cref="KeyType"/> and <see cref="PublicKey"/> (or connect
/// again with <see cref="SshSessionOptions.AcceptFingerprint"/>).
/// </summary>
public sealed class HostKeyException : Exception
{
    /// <summary>Describes the problem for people from the key the host showed and the pinned fingerprint, if any.</summary>
    public HostKeyException(HostKeyProblem problem, RemoteAddress address, string keyType, byte[] publicKey, string? pinnedFingerprint)
        : base(Describe(problem, address, keyType, HostKeys.Fingerprint(publicKey), pinnedFingerprint))
    {
        Problem = problem;
        Address = address;
        KeyType = keyType;
        PublicKey = publicKey;
        Fingerprint = HostKeys.Fingerprint(publicKey);
        PinnedFingerprint = pinnedFingerprint;
    }

    /// <summary>Unknown or changed.</summary>
    public HostKeyProblem Problem { get; }

    /// <summary>The host that presented the key.</summary>
    public RemoteAddress Address { get; }

    /// <summary>The presented key's type, e.g. <c>ssh-ed25519</c>.</summary>
    public string KeyType { get; }

    /// <summary>The presented public key blob (SSH wire format).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The presented key's fingerprint, <c>SHA256:...</c>.</summary>
    public string Fingerprint { get; }

    /// <summary>The pinned key's fingerprint when the key changed; null for an unknown host.</summary>
    public string? PinnedFingerprint { get; }

    private static string Describe(HostKeyProblem problem, RemoteAddress address, string keyType, string fingerprint, string? pinned) =>
        problem switch
        {
            HostKeyProblem.Unknown =>
                $"the host key of {address.HostForDisplay}:{address.Port} is not known yet: {keyType} {fingerprint}. "
                + $"Check it on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and accept it (--accept-host-key {fingerprint})",
            _ =>
                $"the host key of {address.HostForDisplay}:{address.Port} has CHANGED: pinned {pinned}, presented {keyType} {fingerprint}. "
                + "Refusing to connect: the host was reinstalled or someone is in between. If the change is expected, remove the pinned key and confirm the new one",
        };
}

/// <summary>
/// The agent cannot be deployed to or run on the right host as things are (no agent for its CPU,
/// rsync missing or too old, no inotify, nowhere to run programs, an agent that does not start):
/// retrying changes nothing until someone changes the host or the build. The message says what, for the user.
/// </summary>
public sealed class DeployException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The SSH key cannot be used: unreadable, not a key, or protected by a passphrase that is missing or wrong. Retrying will not help.</summary>
public sealed class KeyFileException(string message, Exception? inner = null) : Exception(message, inner);
