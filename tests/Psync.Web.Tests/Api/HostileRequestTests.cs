using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Psync.Web.Tests.Api;

public sealed class HostileRequestTests(LogCapturingAppFactory app) : IClassFixture<LogCapturingAppFactory>
{
    [Fact]
    public async Task EveryDocumentedRouteWithABody_MalformedJson_400ProblemDetails() =>
        await DocumentedRoutes.AssertEveryRouteWithABodyAnswersAsync(app.Client, HttpStatusCode.BadRequest,
            [.. new[] { "{\"name\": ", "[1, 2", "\"just a string\"" }.Select(body => (Func<HttpContent>)(() => new StringContent(body, Encoding.UTF8, "application/json")))]);

    [Fact]
    public async Task Secrets_PasswordsTokensAndKeys_NeverReachTheLog()
    {
        const string WrongPassword = "wrong-secret-Zq81";
        using var anonymous = app.ClientWith(null);
        using (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = WrongPassword }))
        {
        }
        using var created = await app.Client.PostAsJsonAsync("/api/v1/tokens", new { name = "ci" });
        var token = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
        using var withToken = app.ClientWith(token);
        using (await withToken.GetAsync("/api/v1/pairs"))
        {
        }
        const string KeyBody = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";
        using (await app.Client.PostAsJsonAsync("/api/v1/hosts", new { name = "secret-host", address = "127.0.0.1", port = 1, user = "u",
            privateKey = $"-----BEGIN OPENSSH PRIVATE KEY-----\n{KeyBody}\n-----END OPENSSH PRIVATE KEY-----\n" }))
        {
        }

        var log = app.Log;
        Assert.NotEmpty(log);
        foreach (var secret in new[] { WrongPassword, PsyncAppFactory.AdminPassword, token, app.Token, KeyBody })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }
}

/// <summary>The app with every log line kept (at Trace), for checking what reaches the log.</summary>
public sealed class LogCapturingAppFactory : PsyncAppFactory
{
    private readonly CapturingProvider _provider = new();

    public string Log => _provider.Text;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(_provider)));
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._text)
                {
                    owner._text.Append(category).Append(": ").AppendLine(formatter(state, exception)).AppendLine(exception?.ToString());
                }
            }
        }
    }
}
