using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.EntityFrameworkCore;
using Psync.Web.Data;

namespace Psync.Web.Audit;

/// <summary>Who is acting: a user name and the client's address.</summary>
public sealed record Actor(string User, string Address)
{
    public static readonly Actor System = new("system", "");
}

/// <summary>
/// The actor of the code running now. An API request has it in its HttpContext; a Blazor circuit has no
/// request per click, so <see cref="AuditCircuitHandler"/> sets it around each of the circuit's activities.
/// </summary>
public sealed class AuditActors(IHttpContextAccessor http)
{
    private readonly AsyncLocal<Actor?> _circuit = new();

    public Actor Current => _circuit.Value ?? FromRequest() ?? Actor.System;

    /// <summary>The client's address of the current request, or empty.</summary>
    public string Address => _circuit.Value?.Address ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? "";

    internal void Set(Actor? actor) => _circuit.Value = actor;

    private Actor? FromRequest() =>
        http.HttpContext is { } context && context.User.Identity is { IsAuthenticated: true, Name: { } name }
            ? new Actor(name, context.Connection.RemoteIpAddress?.ToString() ?? "")
            : null;
}

/// <summary>Sets <see cref="AuditActors.Current"/> for each inbound activity of a Blazor circuit (clicks, form posts).</summary>
public sealed class AuditCircuitHandler(AuthenticationStateProvider auth, AuditActors actors, IHttpContextAccessor http) : CircuitHandler
{
    private string _address = "";

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        // The circuit starts inside its websocket request: the last moment the client's address is at hand.
        _address = http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? "";
        return Task.CompletedTask;
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var user = (await auth.GetAuthenticationStateAsync()).User;
            actors.Set(user.Identity is { IsAuthenticated: true, Name: { } name } ? new Actor(name, _address) : null);
            try
            {
                await next(context);
            }
            finally
            {
                actors.Set(null);
            }
        };
}

public sealed record AuditQuery(DateTimeOffset? From, DateTimeOffset? To, string? User, string? Action, long? Before, int Limit);

/// <summary>The audit log: each audited action is recorded once, by the service that performs it.</summary>
public sealed class AuditLog(IDbContextFactory<PsyncDb> dbs, AuditActors actors, TimeProvider clock, ILogger<AuditLog> log)
{
    public const int MaxPage = 500;

    /// <summary>Records <paramref name="action"/> by the current actor (<paramref name="user"/> instead, for a sign-in).</summary>
    public async Task RecordAsync(AuditAction action, string target, string detail = "", string? user = null)
    {
        var actor = actors.Current;
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            db.Audit.Add(new AuditEntity
            {
                Time = clock.GetUtcNow(),
                User = Truncate(user ?? actor.User, 100),
                Address = user is null ? actor.Address : actors.Address,
                Action = action.Name(),
                Target = target,
                Detail = detail,
            });
            // Not the caller's token: the action is done, its record must not be lost to a closed request.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException e)
        {
            log.LogError(e, "Recording {Action} on {Target} in the audit log failed", action.Name(), target);
        }
    }

    /// <summary>Newest first, the entries before the id <see cref="AuditQuery.Before"/>.</summary>
    public async Task<IReadOnlyList<AuditEntity>> QueryAsync(AuditQuery query, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var entries = db.Audit.AsNoTracking();
        if (query.From is { } from)
        {
            entries = entries.Where(a => a.Time >= from);
        }
        if (query.To is { } to)
        {
            entries = entries.Where(a => a.Time < to);
        }
        if (!string.IsNullOrEmpty(query.User))
        {
            entries = entries.Where(a => a.User == query.User);
        }
        if (!string.IsNullOrEmpty(query.Action))
        {
            entries = entries.Where(a => a.Action == query.Action);
        }
        if (query.Before is { } before)
        {
            entries = entries.Where(a => a.Id < before);
        }
        return await entries.OrderByDescending(a => a.Id).Take(query.Limit).ToListAsync(ct);
    }

    /// <summary>Removes entries older than <paramref name="retention"/>.</summary>
    public async Task<int> PurgeAsync(TimeSpan retention, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - retention;
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Audit.Where(a => a.Time < cutoff).ExecuteDeleteAsync(ct);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>Removes old audit entries once an hour.</summary>
public sealed class AuditPurge(AuditLog audit, Microsoft.Extensions.Options.IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditPurge> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        try
        {
            do
            {
                try
                {
                    await audit.PurgeAsync(options.Value.Retention, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Purging the audit log failed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}

public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>How long audit entries are kept.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(365);
}

public static class AuditExtensions
{
    public static IServiceCollection AddPsyncAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName)
            .Validate(o => o.Retention > TimeSpan.Zero, "Audit:Retention must be positive").ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddSingleton<AuditActors>();
        services.AddSingleton<AuditLog>();
        services.AddScoped<CircuitHandler, AuditCircuitHandler>();
        services.AddHostedService<AuditPurge>();
        return services;
    }
}
