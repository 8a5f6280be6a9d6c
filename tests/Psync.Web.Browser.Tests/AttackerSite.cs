using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Psync.Web.Browser.Tests;

/// <summary>A web server on another loopback port that serves one page to every request: https (same site as the appliance: same scheme and host) or http on localhost (another site).</summary>
public sealed class AttackerSite : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? _certificate;
    private readonly string _html;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AttackerSite(string html, bool https)
    {
        _html = html;
        if (https)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=attacker", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            _certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
        }
        _listener.Start();
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Url = https ? $"https://127.0.0.1:{port}/" : $"http://localhost:{port}/";
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        Stream stream = client.GetStream();
                        if (_certificate is not null)
                        {
                            var tls = new SslStream(stream);
                            await tls.AuthenticateAsServerAsync(_certificate);
                            stream = tls;
                        }
                        await using (stream)
                        {
                            var request = new StringBuilder();
                            var buffer = new byte[4096];
                            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                            {
                                var read = await stream.ReadAsync(buffer);
                                if (read == 0)
                                {
                                    return;
                                }
                                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                            }
                            var body = Encoding.UTF8.GetBytes(_html);
                            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                            await stream.WriteAsync(body);
                        }
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                    {
                        // the browser gave up on the connection
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _certificate?.Dispose();
        _stop.Dispose();
    }
}
