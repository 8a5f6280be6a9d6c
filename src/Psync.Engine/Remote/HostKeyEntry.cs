using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Psync.Engine.Remote;

/// <summary>One pinned host key.</summary>
/// <param name="Host">The host name or address (IPv6 without brackets), lower case.</param>
/// <param name="Port">The SSH port: a key is pinned per host and port, as OpenSSH does.</param>
/// <param name="KeyType">The key's type as named inside the key, e.g. <c>ssh-ed25519</c>, <c>ssh-rsa</c>.</param>
/// <param name="PublicKey">The public key blob (SSH wire format) in base64, as in an OpenSSH known_hosts line.</param>
public sealed record HostKeyEntry(string Host, int Port, string KeyType, string PublicKey)
{
    /// <summary>The OpenSSH fingerprint, <c>SHA256:</c> and unpadded base64, as <c>ssh-keygen -lf</c> prints it.</summary>
    public string Fingerprint => HostKeys.Fingerprint(Convert.FromBase64String(PublicKey));
}

/// <summary>Fingerprints and key types of SSH public key blobs.</summary>
public static class HostKeys
{
    /// <summary>The OpenSSH SHA-256 fingerprint of a public key blob: <c>SHA256:</c> and unpadded base64.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> publicKey) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(publicKey)).TrimEnd('=');

    /// <summary>
    /// A fingerprint as a user may type it (with or without <c>SHA256:</c>, with base64 padding)
    /// in the form <see cref="Fingerprint"/> returns, so the two compare with ordinal equality.
    /// </summary>
    public static string NormalizeFingerprint(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var text = fingerprint.Trim();
        if (text.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase))
        {
            text = text[7..];
        }
        return "SHA256:" + text.TrimEnd('=');
    }

    /// <summary>The key type named at the start of a public key blob (a length-prefixed string), e.g. <c>ssh-ed25519</c>.</summary>
    /// <exception cref="FormatException">The blob does not start with a key type.</exception>
    public static string KeyType(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length < 4)
        {
            throw new FormatException("the public key is too short to name its type");
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(publicKey);
        if (length is 0 or > 64 || length > publicKey.Length - 4)
        {
            throw new FormatException("the public key does not start with a key type");
        }
        var type = Encoding.ASCII.GetString(publicKey.Slice(4, (int)length));
        if (type.Any(c => c is <= ' ' or > '~'))
        {
            throw new FormatException("the public key's type is not printable");
        }
        return type;
    }
}
