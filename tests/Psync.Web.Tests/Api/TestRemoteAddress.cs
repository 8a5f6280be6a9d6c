using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Psync.Web.Data;

namespace Psync.Web.Tests.Api;

/// <summary>The in-memory server has no client address: a request's <see cref="Header"/> gives one (only in these tests), else 192.0.2.1.</summary>
public sealed class TestRemoteAddress : IStartupFilter
{
    public const string Header = "X-Test-Remote-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Connection.RemoteIpAddress is null)
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers[Header] is { Count: 1 } h ? h[0]! : "192.0.2.1");
            }
            return nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>ASP.NET Core Identity's hasher, counting the verifications.</summary>
public sealed class CountingPasswordHasher : IPasswordHasher<UserEntity>
{
    private readonly PasswordHasher<UserEntity> _inner = new();
    private int _verifications;

    public int Verifications => Volatile.Read(ref _verifications);

    public string HashPassword(UserEntity user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(UserEntity user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}
