using Renci.SshNet.Common;

namespace Psync.Engine.Remote;

/// <summary>
/// Checks each key a host presents (on connect and on every re-key) against the pinned one.
/// SSH.NET only lets the handler say yes or no, so a refusal is kept here and rethrown by the
/// connect call in place of SSH.NET's generic "key exchange failed".
/// </summary>
internal sealed class HostKeyVerifier(RemoteAddress address, KnownHosts knownHosts, string? acceptFingerprint)
{
    private HostKeyException? _failure;
    private volatile string? _accepted;

    /// <summary>The fingerprint of the last key accepted.</summary>
    public string? Accepted => _accepted;

    /// <summary>The refusal of the last presented key, once (later connects start clean).</summary>
    public HostKeyException? TakeFailure() => Interlocked.Exchange(ref _failure, null);

    public void OnHostKeyReceived(object? sender, HostKeyEventArgs e)
    {
        var blob = e.HostKey;
        var fingerprint = HostKeys.Fingerprint(blob);
        string keyType;
        try
        {
            // The algorithm name (HostKeyName) may be rsa-sha2-512 for an ssh-rsa key; known_hosts wants the key's own type.
            keyType = HostKeys.KeyType(blob);
        }
        catch (FormatException)
        {
            keyType = e.HostKeyName;
        }

        var pinned = knownHosts.Get(address.Host, address.Port);
        if (pinned is null)
        {
            if (acceptFingerprint is not null && HostKeys.NormalizeFingerprint(acceptFingerprint) == fingerprint)
            {
                knownHosts.Trust(address.Host, address.Port, keyType, blob);
                Accept(e, fingerprint);
                return;
            }
            Refuse(e, new HostKeyException(HostKeyProblem.Unknown, address, keyType, blob, null));
            return;
        }
        if (pinned.PublicKey == Convert.ToBase64String(blob))
        {
            Accept(e, fingerprint);
            return;
        }
        Refuse(e, new HostKeyException(HostKeyProblem.Changed, address, keyType, blob, pinned.Fingerprint));
    }

    private void Accept(HostKeyEventArgs e, string fingerprint)
    {
        _accepted = fingerprint;
        e.CanTrust = true;
    }

    private void Refuse(HostKeyEventArgs e, HostKeyException failure)
    {
        Volatile.Write(ref _failure, failure);
        e.CanTrust = false;
    }
}
