namespace Psync.Web.Tls;

/// <summary>The HTTPS certificate: the admin's (<c>Tls:CertificatePath</c>), else a self-signed one made at the first start in the data folder.</summary>
public sealed class TlsOptions
{
    public const string SectionName = "Tls";

    /// <summary>A PKCS#12 file (.pfx, .p12), or a PEM certificate (.pem, .crt) whose key is in <see cref="KeyPath"/> or in the same file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of the PKCS#12 file, or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key of a PEM certificate.</summary>
    public string? KeyPath { get; set; }
}

/// <summary>Reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (loopback always is).</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>Addresses of proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of proxies, e.g. <c>172.16.0.0/12</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}
