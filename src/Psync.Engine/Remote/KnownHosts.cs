using System.Globalization;
using System.Text;

namespace Psync.Engine.Remote;

/// <summary>
/// The pinned host keys: one line per host and port in a file of Psync's own (host, port, key
/// type, base64 public key, SHA-256 fingerprint). A key is only added when someone confirmed it
/// (<see cref="Trust"/>); the SSH session and rsync's ssh (through
/// <see cref="WriteOpenSshKnownHosts"/>) both check against it.
/// </summary>
/// <remarks>Every read goes to the file, so several instances on one file (web app, CLI) agree; writes replace the file atomically.</remarks>
public sealed class KnownHosts
{
    private const string Header = "# psync pinned host keys: host port key-type base64-public-key sha256-fingerprint";
    private readonly Lock _lock = new();

    /// <param name="path">The file; it and its folder are created on the first <see cref="Trust"/>.</param>
    public KnownHosts(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FilePath = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The store's file.</summary>
    public string FilePath { get; }

    /// <summary>The pinned key of <paramref name="host"/>:<paramref name="port"/>, or null when none is pinned.</summary>
    public HostKeyEntry? Get(string host, int port)
    {
        var key = NormalizeHost(host);
        lock (_lock)
        {
            return Load().FirstOrDefault(e => e.Host == key && e.Port == port);
        }
    }

    /// <summary>Every pinned key, in file order.</summary>
    public IReadOnlyList<HostKeyEntry> All()
    {
        lock (_lock)
        {
            return Load();
        }
    }

    /// <summary>Pins <paramref name="publicKey"/> for <paramref name="host"/>:<paramref name="port"/>, replacing any key pinned before.</summary>
    /// <param name="host">Host name or address (IPv6 without brackets).</param>
    /// <param name="port">The SSH port.</param>
    /// <param name="keyType">The key's type as named inside the blob, e.g. <c>ssh-ed25519</c> (<see cref="HostKeyException.KeyType"/>).</param>
    /// <param name="publicKey">The public key blob in SSH wire format (<see cref="HostKeyException.PublicKey"/>).</param>
    /// <exception cref="ArgumentException">The key type does not match the blob.</exception>
    public HostKeyEntry Trust(string host, int port, string keyType, byte[] publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentException.ThrowIfNullOrEmpty(keyType);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        string inBlob;
        try
        {
            inBlob = HostKeys.KeyType(publicKey);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"not an SSH public key: {e.Message}", nameof(publicKey), e);
        }
        if (inBlob != keyType)
        {
            throw new ArgumentException($"the key type '{keyType}' does not match the key, which is '{inBlob}'", nameof(keyType));
        }
        var entry = new HostKeyEntry(NormalizeHost(host), port, keyType, Convert.ToBase64String(publicKey));
        lock (_lock)
        {
            var entries = Load().Where(e => !(e.Host == entry.Host && e.Port == entry.Port)).Append(entry).ToList();
            Save(entries);
        }
        return entry;
    }

    /// <summary>Removes the key pinned for <paramref name="host"/>:<paramref name="port"/> (a host that was rebuilt); false when there was none.</summary>
    public bool Forget(string host, int port)
    {
        var key = NormalizeHost(host);
        lock (_lock)
        {
            var entries = Load();
            var kept = entries.Where(e => !(e.Host == key && e.Port == port)).ToList();
            if (kept.Count == entries.Count)
            {
                return false;
            }
            Save(kept);
            return true;
        }
    }

    /// <summary>
    /// Writes every pinned key as an OpenSSH known_hosts file for rsync's ssh
    /// (<c>-o UserKnownHostsFile=</c> with <c>StrictHostKeyChecking=yes</c>): <c>host keytype base64</c>
    /// for port 22, <c>[host]:port keytype base64</c> otherwise.
    /// </summary>
    public void WriteOpenSshKnownHosts(string path)
    {
        var sb = new StringBuilder();
        foreach (var e in All())
        {
            var name = e.Port == RemoteAddress.DefaultPort ? e.Host : string.Create(CultureInfo.InvariantCulture, $"[{e.Host}]:{e.Port}");
            sb.Append(name).Append(' ').Append(e.KeyType).Append(' ').Append(e.PublicKey).Append('\n');
        }
        WriteAtomically(path, sb.ToString());
    }

    private static string NormalizeHost(string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        var h = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (h.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || h.Length == 0)
        {
            throw new ArgumentException($"'{host}' is not a host name", nameof(host));
        }
        return h.ToLowerInvariant();
    }

    private List<HostKeyEntry> Load()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(FilePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        var entries = new List<HostKeyEntry>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            entries.Add(ParseLine(line, i + 1));
        }
        return entries;
    }

    private HostKeyEntry ParseLine(string line, int number)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new InvalidDataException($"{FilePath}:{number}: expected 'host port key-type base64-key SHA256:fingerprint'");
        }
        HostKeyEntry entry;
        try
        {
            var blob = Convert.FromBase64String(parts[3]);
            entry = new HostKeyEntry(parts[0], port, HostKeys.KeyType(blob), parts[3]);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{FilePath}:{number}: the key is not a base64 SSH public key ({e.Message})", e);
        }
        // The fingerprint column is for people reading the file; it must still agree with the key.
        if (entry.KeyType != parts[2] || entry.Fingerprint != parts[4])
        {
            throw new InvalidDataException($"{FilePath}:{number}: the key type or fingerprint does not match the key");
        }
        return entry;
    }

    private void Save(IEnumerable<HostKeyEntry> entries)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var e in entries)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{e.Host} {e.Port} {e.KeyType} {e.PublicKey} {e.Fingerprint}\n");
        }
        WriteAtomically(FilePath, sb.ToString());
    }

    private static void WriteAtomically(string path, string text)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var temp = $"{full}.tmp-{Guid.NewGuid():N}";
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
