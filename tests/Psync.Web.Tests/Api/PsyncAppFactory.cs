using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Psync.Web.Auth;
using Psync.Web.Data;

namespace Psync.Web.Tests.Api;

/// <summary>
/// The appliance in-process on a fresh temp folder (its data folder and the trees its pairs sync),
/// signed in as <c>admin</c> through the API. One per test class; the folder goes on dispose.
/// </summary>
public class PsyncAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminPassword = "admin-secret-pw-1";

    private HttpClient? _client;
    private string? _token;

    public PsyncAppFactory()
    {
        Root = Directory.CreateTempSubdirectory("psync-web-").FullName;
        // Cookies are Secure: the in-memory server is addressed as https, like the appliance.
        ClientOptions.BaseAddress = new Uri("https://localhost");
    }

    /// <summary>Counts the password checks (every call of the hasher's verify).</summary>
    public CountingPasswordHasher Hasher { get; } = new();

    /// <summary>The temp folder holding <see cref="DataDir"/> and the trees made by <see cref="NewFolder"/>.</summary>
    public string Root { get; }

    public string DataDir => Path.Combine(Root, "data");

    public string Database => Path.Combine(DataDir, "psync.db");

    /// <summary>The admin's login token.</summary>
    public string Token => _token ?? throw new InvalidOperationException("not initialized");

    /// <summary>A client that sends <see cref="Token"/>.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("not initialized");

    /// <summary>Makes an empty folder below <see cref="Root"/> (outside the data folder).</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(Root, "trees", name)).FullName;

    /// <summary>A client without redirects that sends <paramref name="token"/>, or no Authorization header when it is null; from the address <paramref name="from"/> when given.</summary>
    public HttpClient ClientWith(string? token, string? from = null)
    {
        StartServer(); // on Kestrel, this sets the base address to the server's port
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (from is not null)
        {
            client.DefaultRequestHeaders.Add(TestRemoteAddress.Header, from);
        }
        return client;
    }

    private int _signIns;

    /// <summary>
    /// Signs in through <c>POST /api/v1/auth/login</c> and returns the token. Without
    /// <paramref name="from"/>, each sign-in comes from an address of its own (in 10.77.0.0/16, which
    /// no test names), so that
    /// tests that sign in often are not throttled as one guessing client would be.
    /// </summary>
    public async Task<string> LoginAsync(string userName, string password, string? from = null)
    {
        var n = Interlocked.Increment(ref _signIns);
        using var anonymous = ClientWith(null, from ?? $"10.77.{n / 250 % 250}.{1 + (n % 250)}");
        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { username = userName, password });
        Assert.True(response.IsSuccessStatusCode, $"login as {userName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var login = await response.Content.ReadFromJsonAsync<LoginResponse>();
        Assert.NotNull(login);
        return login.Token;
    }

    public async Task InitializeAsync()
    {
        _token = await LoginAsync("admin", AdminPassword);
        _client = ClientWith(_token);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        _client?.Dispose();
        await DisposeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // What ships: no developer exception details, bad requests answered by the status code pages.
        builder.UseEnvironment("Production");
        builder.UseSetting("data-dir", DataDir);
        builder.UseSetting("PSYNC_ADMIN_PASSWORD", AdminPassword);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IStartupFilter, TestRemoteAddress>();
            services.AddSingleton<IPasswordHasher<UserEntity>>(Hasher);
        });
    }
}
