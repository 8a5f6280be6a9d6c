using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Psync.Web.Tls;

/// <summary>Self-signed certificates kept in the data folder (PKCS#12 without a password, mode 0600 in a 0700 folder).</summary>
public static class Certificates
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The certificate in <paramref name="path"/>, or a new one written there when it is missing or expires within 30 days.</summary>
    public static X509Certificate2 LoadOrCreate(string path, string commonName, bool forTls, TimeProvider clock, out bool created)
    {
        var now = clock.GetUtcNow();
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.EphemeralKeySet);
            if (existing.NotAfter > now.UtcDateTime.AddDays(30))
            {
                created = false;
                return existing;
            }
            existing.Dispose();
        }
        using var key = RSA.Create(3072);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        if (forTls)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var name in new[] { "localhost", Environment.MachineName }.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                names.AddDnsName(name);
            }
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        }
        else
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, true));
        }
        using var made = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(forTls ? 2 : 100));
        var pfx = made.Export(X509ContentType.Pkcs12);
        var temp = path + ".new";
        File.Delete(temp);
        using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Private }))
        {
            file.Write(pfx);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        created = true;
        return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.EphemeralKeySet);
    }

    /// <summary>The SHA-256 fingerprint as browsers show it: AB:CD:….</summary>
    public static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}
