using System.Net;
using System.Net.Http.Json;
using Psync.Web.Auth;

namespace Psync.Web.Tests.Api;

public sealed class LoginLockoutTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    private const int MaxFailedLogins = 5; // AuthOptions' default

    [Fact]
    public async Task Login_FiveWrongPasswords_LocksThatUserOnly()
    {
        var bob = await CreateUserAsync("bob", "bobs-password");
        await CreateUserAsync("carol", "carols-password");
        using var anonymous = app.ClientWith(null, "198.51.100.1");

        for (var i = 0; i < MaxFailedLogins; i++)
        {
            using var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = "bob", password = $"wrong-{i}" });
            var failed = await Problem.AssertAsync(wrong, HttpStatusCode.Unauthorized);
            Assert.DoesNotContain("locked", failed.Detail, StringComparison.Ordinal);
        }
        using var right = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = "bob", password = "bobs-password" });

        var locked = await Problem.AssertAsync(right, HttpStatusCode.Unauthorized);
        Assert.Contains("locked", locked.Detail, StringComparison.Ordinal);
        Assert.StartsWith("psy_", await app.LoginAsync("carol", "carols-password", "198.51.100.1"), StringComparison.Ordinal);
        var users = (await app.Client.GetFromJsonAsync<List<UserResource>>("/api/v1/users"))!;
        Assert.NotNull(Assert.Single(users, u => u.Id == bob.Id).LockedUntil);
        Assert.Null(Assert.Single(users, u => u.UserName == "carol").LockedUntil);

        // An administrator setting a new password lifts the lockout.
        using var reset = await app.Client.PutAsJsonAsync($"/api/v1/users/{bob.Id}/password", new { password = "bobs-new-password" });
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.StartsWith("psy_", await app.LoginAsync("bob", "bobs-new-password", "198.51.100.1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_FewerWrongPasswordsThenRight_SucceedsAndResetsTheCount()
    {
        await CreateUserAsync("dora", "doras-password");
        using var anonymous = app.ClientWith(null, "198.51.100.2");
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < MaxFailedLogins - 1; i++)
            {
                using var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = "dora", password = "not-it" });
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            }

            Assert.StartsWith("psy_", await app.LoginAsync("dora", "doras-password", "198.51.100.2"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Login_UnknownUser_SameAnswerAsWrongPassword()
    {
        await CreateUserAsync("erik", "eriks-password");
        using var anonymous = app.ClientWith(null, "198.51.100.3");

        using var unknown = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = "nobody", password = "whatever-pw" });
        using var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = "erik", password = "whatever-pw" });

        var a = await Problem.AssertAsync(unknown, HttpStatusCode.Unauthorized);
        var b = await Problem.AssertAsync(wrong, HttpStatusCode.Unauthorized);
        Assert.Equal((b.Title, b.Detail), (a.Title, a.Detail));
    }

    private async Task<UserResource> CreateUserAsync(string name, string password)
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/users", new { userName = name, password });
        return await response.ReadAsync<UserResource>(HttpStatusCode.Created);
    }
}
