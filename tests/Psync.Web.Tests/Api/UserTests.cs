using System.Net;
using System.Net.Http.Json;
using System.Text;
using Psync.Web.Auth;

namespace Psync.Web.Tests.Api;

public sealed class UserTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task CreateUser_Valid_201ListedAndCanSignIn()
    {
        using var response = await app.Client.PostAsJsonAsync("/api/v1/users", new { userName = "dave", password = "daves-password" });

        var user = await response.ReadAsync<UserResource>(HttpStatusCode.Created);
        Assert.Equal("dave", user.UserName);
        Assert.Equal($"/api/v1/users/{user.Id}", response.Headers.Location?.OriginalString);
        Assert.Contains((await app.Client.GetFromJsonAsync<List<UserResource>>("/api/v1/users"))!, u => u.Id == user.Id && u.UserName == "dave");
        Assert.StartsWith("psy_", await app.LoginAsync("dave", "daves-password"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_NameTaken_400Problem()
    {
        using var first = await app.Client.PostAsJsonAsync("/api/v1/users", new { userName = "erin", password = "erins-password" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var again = await app.Client.PostAsJsonAsync("/api/v1/users", new { userName = " erin ", password = "another-password" });

        var problem = await Problem.AssertAsync(again, HttpStatusCode.BadRequest);
        Assert.Contains("erin", problem.Detail, StringComparison.Ordinal);
        Assert.Single((await app.Client.GetFromJsonAsync<List<UserResource>>("/api/v1/users"))!, u => u.UserName == "erin");
    }

    [Theory]
    [InlineData("{\"userName\":\"frank\",\"password\":\"7-chars\"}")]
    [InlineData("{\"userName\":\"frank\",\"password\":\"\"}")]
    [InlineData("{\"userName\":\"frank\"}")]
    [InlineData("{\"userName\":\"  \",\"password\":\"long-enough-pw\"}")]
    public async Task CreateUser_ShortPasswordOrNoName_400Problem(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await app.Client.PostAsync("/api/v1/users", content);

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.DoesNotContain((await app.Client.GetFromJsonAsync<List<UserResource>>("/api/v1/users"))!, u => u.UserName == "frank");
    }

    [Fact]
    public async Task DeleteUser_Other_204AndItsTokensStopWorking()
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/users", new { userName = "gina", password = "ginas-password" });
        var user = await created.ReadAsync<UserResource>(HttpStatusCode.Created);
        using var asGina = app.ClientWith(await app.LoginAsync("gina", "ginas-password"));

        using var deleted = await app.Client.DeleteAsync($"/api/v1/users/{user.Id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var refused = await asGina.GetAsync("/api/v1/pairs");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var anonymous = app.ClientWith(null);
        using var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = "gina", password = "ginas-password" });
        await Problem.AssertAsync(login, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SetPassword_TooShort_400AndOldPasswordStillWorks()
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/users", new { userName = "hank", password = "hanks-password" });
        var user = await created.ReadAsync<UserResource>(HttpStatusCode.Created);

        using var response = await app.Client.PutAsJsonAsync($"/api/v1/users/{user.Id}/password", new { password = "short" });

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal($"a password has at least {Psync.Web.Auth.Accounts.MinPasswordLength} characters", problem.Detail); // no "(Parameter 'password')"
        Assert.StartsWith("psy_", await app.LoginAsync("hank", "hanks-password"), StringComparison.Ordinal);
    }
}

/// <summary>Its own app: the test removes <c>admin</c>, whose token the other tests use.</summary>
public sealed class LastAdminTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task DeleteOrDemote_LastAdmin_409ProblemAndStillAdmin()
    {
        using var created = await app.Client.PostAsJsonAsync("/api/v1/users", new { userName = "solo", password = "solos-password", role = "admin" });
        var solo = await created.ReadAsync<UserResource>(HttpStatusCode.Created);
        using var asSolo = app.ClientWith(await app.LoginAsync("solo", "solos-password"));
        var admin = Assert.Single((await asSolo.GetFromJsonAsync<List<UserResource>>("/api/v1/users"))!, u => u.UserName == "admin");
        using var adminDeleted = await asSolo.DeleteAsync($"/api/v1/users/{admin.Id}");
        Assert.Equal(HttpStatusCode.NoContent, adminDeleted.StatusCode);

        using var deleted = await asSolo.DeleteAsync($"/api/v1/users/{solo.Id}");
        using var demoted = await asSolo.PutAsJsonAsync($"/api/v1/users/{solo.Id}/role", new { role = "operator" });

        Assert.Contains("last admin", (await Problem.AssertAsync(deleted, HttpStatusCode.Conflict)).Detail, StringComparison.Ordinal);
        Assert.Contains("last admin", (await Problem.AssertAsync(demoted, HttpStatusCode.Conflict)).Detail, StringComparison.Ordinal);
        var users = (await asSolo.GetFromJsonAsync<List<UserResource>>("/api/v1/users"))!;
        Assert.Equal([("solo", "admin")], users.Select(u => (u.UserName, u.Role)));
    }
}
