using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Psync.Web.Tls;

public static class TlsExtensions
{
    /// <summary>HTTPS endpoints get <see cref="ServerCertificate"/>; HSTS; forwarded headers from the known proxies.</summary>
    public static IServiceCollection AddPsyncTls(this IServiceCollection services)
    {
        services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.SectionName)
            .Validate(o => o.CertificatePath is not { Length: > 0 } path || File.Exists(path), "Tls:CertificatePath names a file that does not exist").ValidateOnStart();
        services.AddSingleton<ServerCertificate>();
        services.AddOptions<KestrelServerOptions>().Configure<ServerCertificate>((kestrel, certificate) =>
            kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate.Certificate));
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName)
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)) && o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "Proxy:KnownProxies are IP addresses and Proxy:KnownNetworks are networks such as 10.0.0.0/8").ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<Microsoft.Extensions.Options.IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in proxies.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in proxies.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }
}
