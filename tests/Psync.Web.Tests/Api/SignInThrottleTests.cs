using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;

namespace Psync.Web.Tests.Api;

/// <summary>Sign-in cannot be turned against the admin: throttled per address, locked per (name, address), parallel guesses counted.</summary>
public sealed class SignInThrottleTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private const int SignInsPerMinute = 10; // AuthOptions' default

    [Fact]
    public async Task Login_50FailuresFromOneAddress_AdminStillSignsInFromAnother()
    {
        using var attacker = app.ClientWith(null, "203.0.113.66");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            using var wrong = await attacker.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = $"guess-{i}" });
            statuses.Add(wrong.StatusCode);
        }
        using var rightFromAttacker = await attacker.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = PsyncAppFactory.AdminPassword });

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"answered {s}"));
        Assert.Equal(SignInsPerMinute, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.NotEqual(HttpStatusCode.OK, rightFromAttacker.StatusCode);
        Assert.StartsWith("psy_", await app.LoginAsync("admin", PsyncAppFactory.AdminPassword, "203.0.113.67"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_OverTheLimitFromOneAddress_429WithRetryAfterOtherAddressesUnaffected()
    {
        using var busy = app.ClientWith(null, "203.0.113.10");
        for (var i = 0; i < SignInsPerMinute; i++)
        {
            using var response = await busy.PostAsJsonAsync("/api/v1/auth/login", new { username = $"nobody-{i}", password = "whatever-pw" });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var over = await busy.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = PsyncAppFactory.AdminPassword });

        await Problem.AssertAsync(over, HttpStatusCode.TooManyRequests);
        Assert.NotNull(over.Headers.RetryAfter);
        Assert.StartsWith("psy_", await app.LoginAsync("admin", PsyncAppFactory.AdminPassword, "203.0.113.11"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_UnknownAndKnownNameLockedAlike_SameAnswers()
    {
        var answers = new Dictionary<string, List<string>>();
        foreach (var (name, from) in new[] { ("admin", "203.0.113.20"), ("no-such-user", "203.0.113.21") })
        {
            using var client = app.ClientWith(null, from);
            answers[name] = [];
            for (var i = 0; i < 5 + 1; i++)
            {
                using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = name, password = "wrong-password" });
                // The lock's end (HH:mm:ss) may differ by a second between the two.
                answers[name].Add(System.Text.RegularExpressions.Regex.Replace((await Problem.AssertAsync(response, HttpStatusCode.Unauthorized)).Detail ?? "", "[0-9]{2}:[0-9]{2}:[0-9]{2}", "T"));
            }
        }

        Assert.Equal(answers["admin"], answers["no-such-user"]);
        Assert.Contains("locked", answers["admin"][^1], StringComparison.Ordinal);
    }
}

/// <summary>The app with the per-address throttle out of the way, so that only the lock limits parallel guesses.</summary>
public sealed class LooseThrottleAppFactory : PsyncAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Auth:SignInsPerMinute", "1000");
    }
}

public sealed class ParallelGuessTests(LooseThrottleAppFactory app) : IClassFixture<LooseThrottleAppFactory>
{
    private const int MaxFailedLogins = 5; // AuthOptions' default

    [Fact]
    public async Task Login_80ParallelGuessesFromOneAddress_AtMostMaxFailedLoginsPasswordChecks()
    {
        using var attacker = app.ClientWith(null, "203.0.113.30");
        var before = app.Hasher.Verifications;

        var answers = await Task.WhenAll(Enumerable.Range(0, 80).Select(async i =>
        {
            using var response = await attacker.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = $"parallel-guess-{i}" });
            return response.StatusCode;
        }));

        Assert.All(answers, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.InRange(app.Hasher.Verifications - before, 1, MaxFailedLogins);
        Assert.StartsWith("psy_", await app.LoginAsync("admin", PsyncAppFactory.AdminPassword, "203.0.113.31"), StringComparison.Ordinal);
    }
}
