using System.Globalization;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Psync.Web.Alerts;
using Psync.Web.Audit;
using Psync.Web.Auth;
using Psync.Web.Charts;
using Psync.Web.Data;
using Psync.Web.Live;
using Psync.Web.Pairs;

namespace Psync.Web.Components.Tests.Support;

/// <summary>
/// The real services of the appliance (database, pairs, hosts, runners, live updates) in a bUnit
/// context, against a temp data folder: Program.cs's registrations minus the hosted services,
/// which nothing runs here (the history writer is started by hand).
/// </summary>
public sealed class PsyncTestHost : IAsyncDisposable
{
    /// <summary>Pairs start real agents and the page waits for the database: more than bUnit's 1 s default.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly DataFolder _data;
    private bool _started;

    public PsyncTestHost()
    {
        Root = Path.Combine(Path.GetTempPath(), "psync-bunit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        _data = new DataFolder(Path.Combine(Root, "data"));
        Context = MudContext.Create();
        var services = Context.Services;
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddPsyncData(_data);
        services.AddPsyncEngine();
        services.AddPsyncAudit();
        services.AddPsyncAlerts();
        services.AddPsyncCharts();
        services.RemoveAll<IHostedService>();
        services.AddOptions<AuthOptions>();
        services.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<UserEntity>, Microsoft.AspNetCore.Identity.PasswordHasher<UserEntity>>();
        services.AddSingleton<SignInLocks>();
        services.AddSingleton<Accounts>();
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<HubSessions>();
        Auth = Context.AddAuthorization();
        SignIn(Role.Admin);
    }

    /// <summary>The signed-in user the components see (an admin unless a test says otherwise with <see cref="SignIn"/>).</summary>
    public BunitAuthorizationContext Auth { get; }

    /// <summary>Signs in as <paramref name="userName"/> with <paramref name="role"/>: its role claim and the policies it satisfies (its role and the ones below).</summary>
    public void SignIn(Role role, int userId = 1, string userName = "admin")
    {
        Auth.SetAuthorized(userName);
        Auth.SetRoles(role.ToString());
        Auth.SetPolicies([.. Enum.GetValues<Role>().Where(r => r <= role).Select(r => r.ToString())]);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Register more before <see cref="StartAsync"/>; the provider is built there.</summary>
    public BunitContext Context { get; }

    /// <summary>A temp folder for this test: the data folder and any pair roots live under it.</summary>
    public string Root { get; }

    public PairService Pairs => Context.Services.GetRequiredService<PairService>();

    public LiveUpdates Live => Context.Services.GetRequiredService<LiveUpdates>();

    public async Task StartAsync()
    {
        await Context.Services.MigratePsyncDbAsync();
        await Context.Services.GetRequiredService<HistoryWriter>().StartAsync(CancellationToken.None);
        _started = true;
    }

    /// <summary>A new empty folder under <see cref="Root"/>.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <summary>Creates a local pair over two new folders (its runner starts real agents).</summary>
    public async Task<PairResource> CreateLocalPairAsync(string name)
    {
        var (pair, errors) = await Pairs.CreateAsync(new PairRequest(name, NewFolder(name + "-left"), NewFolder(name + "-right")));
        Assert.Empty(errors);
        return pair!;
    }

    public async ValueTask DisposeAsync()
    {
        // Components first (they unsubscribe from live updates), then the runners and their agents,
        // then the history writer, then the rest of the services.
        await Context.DisposeComponentsAsync();
        if (_started)
        {
            await Context.Services.GetRequiredService<PairRunners>().DisposeAsync();
            await Context.Services.GetRequiredService<HistoryWriter>().StopAsync(CancellationToken.None);
        }
        await Context.DisposeAsync();
        SqliteConnection.ClearPool(new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _data.Database, Pooling = true, DefaultTimeout = 30 }.ToString()));
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind fails no test
        }
    }
}
