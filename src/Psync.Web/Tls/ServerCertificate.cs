using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Psync.Web.Data;

namespace Psync.Web.Tls;

/// <summary>The certificate Kestrel serves HTTPS with, loaded (or made) when the first HTTPS endpoint starts, its fingerprint logged.</summary>
public sealed partial class ServerCertificate
{
    private readonly Lazy<X509Certificate2> _certificate;

    public ServerCertificate(IOptions<TlsOptions> options, DataFolder data, TimeProvider clock, ILogger<ServerCertificate> log) =>
        _certificate = new(() => Load(options.Value, data, clock, log));

    public X509Certificate2 Certificate => _certificate.Value;

    private static X509Certificate2 Load(TlsOptions options, DataFolder data, TimeProvider clock, ILogger log)
    {
        if (options.CertificatePath is { Length: > 0 } path)
        {
            var pem = Path.GetExtension(path).ToLowerInvariant() is ".pem" or ".crt" or ".cer";
            var loaded = !pem ? X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword, X509KeyStorageFlags.EphemeralKeySet)
                : options.CertificatePassword is { Length: > 0 } password ? X509Certificate2.CreateFromEncryptedPemFile(path, password, options.KeyPath)
                : X509Certificate2.CreateFromPemFile(path, options.KeyPath);
            if (!loaded.HasPrivateKey)
            {
                throw new InvalidOperationException($"Tls:CertificatePath {path} has no private key (set Tls:KeyPath for a PEM key in another file)");
            }
            LogProvided(log, path, loaded.Subject, loaded.NotAfter, Certificates.Fingerprint(loaded));
            return loaded;
        }
        var certificate = Certificates.LoadOrCreate(data.Certificate, "Psync " + Environment.MachineName, forTls: true, clock, out var created);
        LogSelfSigned(log, created ? "Made a new" : "Using the", data.Certificate, Certificates.Fingerprint(certificate));
        return certificate;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTPS certificate {Path} ({Subject}, valid until {NotAfter:yyyy-MM-dd}), SHA-256 fingerprint {Fingerprint}")]
    private static partial void LogProvided(ILogger logger, string path, string subject, DateTime notAfter, string fingerprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} self-signed HTTPS certificate {Path}: SHA-256 fingerprint {Fingerprint}. Compare it with the one your browser shows before you sign in, or set Tls:CertificatePath to your own certificate")]
    private static partial void LogSelfSigned(ILogger logger, string what, string path, string fingerprint);
}
