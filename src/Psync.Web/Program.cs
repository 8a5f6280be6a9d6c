using MudBlazor.Services;
using Psync.Web;
using Psync.Web.Alerts;
using Psync.Web.Api;
using Psync.Web.Audit;
using Psync.Web.Auth;
using Psync.Web.Charts;
using Psync.Web.Components;
using Psync.Web.Data;
using Psync.Web.Hosts;
using Psync.Web.Live;
using Psync.Web.Logs;
using Psync.Web.Pairs;
using Psync.Web.Tls;

// Settings and assets come from beside the program wherever it is started from; the data folder is relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseStaticWebAssets();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);

var data = DataFolder.Resolve(builder.Configuration);
builder.Services.AddSingleton(TimeProvider.System);
builder.Logging.AddPsyncMemoryLog();
builder.Services.AddPsyncData(data);
builder.Services.AddPsyncAuth();
builder.Services.AddPsyncTls();
builder.Services.AddPsyncEngine();
builder.Services.AddPsyncAudit();
builder.Services.AddPsyncAlerts();
builder.Services.AddPsyncCharts();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddOpenApi(o => o.AddSchemaTransformer(PairEndpoints.AddModeValues).AddSchemaTransformer(AlertEndpoints.AddAlertValues).AddOperationTransformer(Roles.DocumentRole));
builder.Services.AddSignalR();
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = "psync.antiforgery";
    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
});
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);

var app = builder.Build();

await app.Services.MigratePsyncDbAsync();
// The first admin password: PSYNC_ADMIN_PASSWORD, or the file PSYNC_ADMIN_PASSWORD_FILE names (a container secret).
var adminPassword = app.Configuration["PSYNC_ADMIN_PASSWORD"] is { Length: > 0 } given ? given
    : app.Configuration["PSYNC_ADMIN_PASSWORD_FILE"] is { Length: > 0 } file ? (await File.ReadAllTextAsync(file)).Trim() : null;
await app.Services.GetRequiredService<Accounts>().EnsureAdminAsync(adminPassword);

// Behind a known reverse proxy: the client's address (for throttling and logs) and scheme (for HSTS and Secure cookies).
app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseHsts();
app.UseHttpsRedirection();
app.UseSecurityHeaders();
app.UseSameOriginCheck();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().ExcludeFromDescription();
app.MapOpenApi();
app.MapApiReference();
app.MapGroup("/api/v1").MapAuthEndpoints().MapUserEndpoints().MapPairEndpoints().MapInspectEndpoints().MapPairSafetyEndpoints().MapHostEndpoints().MapSettingsEndpoints().MapAlertEndpoints().MapAuditEndpoints().MapChartEndpoints();
app.MapMetrics();
app.MapHub<EventsHub>("/hubs/events");
app.MapAccountEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
