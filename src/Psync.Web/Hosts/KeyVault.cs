using System.Diagnostics;
using Microsoft.AspNetCore.DataProtection;
using Psync.Web.Data;

namespace Psync.Web.Hosts;

/// <summary>
/// SSH private keys: encrypted at rest with Data Protection; decrypted into a private file
/// (mode 0600 in the data folder's <c>run/</c>, emptied at every start) only while something
/// needs it, because rsync's ssh reads keys from files.
/// </summary>
public sealed class KeyVault(IDataProtectionProvider protection, DataFolder data)
{
    private readonly IDataProtector _protector = protection.CreateProtector("psync.host-keys.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string secret) => _protector.Unprotect(secret);

    /// <summary>The host key's passphrase, decrypted (it goes to the engine's private ssh-agent, never to a file); null when the key has none.</summary>
    public string? Passphrase(HostEntity host) => host.ProtectedPassphrase is { } protectedPassphrase ? _protector.Unprotect(protectedPassphrase) : null;

    /// <summary>Writes the host's key to its private file (kept while pairs run) and returns the path.</summary>
    /// <exception cref="InvalidOperationException">The host has no key.</exception>
    public string KeyFile(HostEntity host) => Write(host, Path.Combine(data.Secrets, $"host-{host.Id}.key"));

    /// <summary>The host's key in a file of its own for one test, trust or deploy; dispose to delete it.</summary>
    /// <exception cref="InvalidOperationException">The host has no key.</exception>
    public TemporaryKey TemporaryKeyFile(HostEntity host) =>
        new(Write(host, Path.Combine(data.Secrets, $"probe-{host.Id}-{Guid.NewGuid():N}.key")));

    private string Write(HostEntity host, string path)
    {
        if (host.ProtectedPrivateKey is null)
        {
            throw new InvalidOperationException($"the host {host.Name} has no SSH key: add or generate one");
        }
        var temp = path + ".tmp";
        File.Delete(temp);
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(stream))
        {
            var key = _protector.Unprotect(host.ProtectedPrivateKey);
            writer.Write(key.EndsWith('\n') ? key : key + "\n");
        }
        File.Move(temp, path, overwrite: true);
        return path;
    }

    public sealed record TemporaryKey(string Path) : IDisposable
    {
        public void Dispose() => File.Delete(Path);
    }

    public void Forget(int hostId) => File.Delete(Path.Combine(data.Secrets, $"host-{hostId}.key"));

    /// <summary>Removes decrypted keys a previous run left behind.</summary>
    public void Clear()
    {
        foreach (var file in Directory.EnumerateFiles(data.Secrets))
        {
            File.Delete(file);
        }
    }

    /// <summary>A new ed25519 key pair from ssh-keygen (no shell; the key never touches the disk outside <c>run/</c>).</summary>
    public async Task<(string PrivateKey, string PublicKey)> GenerateAsync(string comment, CancellationToken ct)
    {
        var dir = Path.Combine(data.Secrets, "keygen-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var file = Path.Combine(dir, "key");
            var psi = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file })
            {
                psi.ArgumentList.Add(arg);
            }
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("ssh-keygen did not start");
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"ssh-keygen failed: {(await error).Trim()}");
            }
            return (await File.ReadAllTextAsync(file, ct), (await File.ReadAllTextAsync(file + ".pub", ct)).Trim());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
