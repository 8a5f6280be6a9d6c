using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Psync.Web.Tests.Alerts;

/// <summary>One HTTP request a sink received.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A webhook or ntfy receiver on loopback (HttpListener on a free port): records every POST and answers 200,
/// or 500 for the first <see cref="FailFirst"/> requests.
/// </summary>
public sealed class HttpSink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _failed;

    public HttpSink()
    {
        Port = SshdFixture.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    public int FailFirst { get; set; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            var fail = Interlocked.Increment(ref _failed) <= FailFirst;
            if (!fail)
            {
                Received.Enqueue(new ReceivedRequest(context.Request.Url?.AbsolutePath ?? "", headers, body));
            }
            context.Response.StatusCode = fail ? 500 : 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}

/// <summary>One message an SMTP sink received.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Data, string? AuthPlain);

/// <summary>
/// A minimal SMTP server on loopback, enough for MailKit without TLS: EHLO (with AUTH PLAIN), AUTH, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SmtpSink()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<ReceivedMail> Received { get; } = new();

    private async Task LoopAsync()
    {
        var sessions = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                sessions.Add(Task.Run(() => SessionAsync(client)));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }
        }
        await Task.WhenAll(sessions);
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 sink ESMTP");
        string from = "";
        var to = new List<string>();
        string? auth = null;
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-sink\r\n250-AUTH PLAIN\r\n250 8BITMIME");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 sink");
                        break;
                    case "AUTH":
                        var parts = line.Split(' ');
                        if (parts.Length > 2)
                        {
                            auth = parts[2];
                        }
                        else
                        {
                            await writer.WriteLineAsync("334 ");
                            auth = await reader.ReadLineAsync(_stop.Token);
                        }
                        await writer.WriteLineAsync("235 2.7.0 ok");
                        break;
                    case "MAIL":
                        from = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('<', '>');
                        to.Clear();
                        await writer.WriteLineAsync("250 ok");
                        break;
                    case "RCPT":
                        to.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('<', '>'));
                        await writer.WriteLineAsync("250 ok");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go ahead");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append('\n');
                        }
                        Received.Enqueue(new ReceivedMail(from, [.. to], data.ToString(), auth is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(auth))));
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
