using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Psync.Web.Data;

namespace Psync.Web.Auth;

public static class AuthExtensions
{
    private const string Selector = "psync";

    public static IServiceCollection AddPsyncAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName)
            .Validate(o => o.MaxFailedLogins > 0 && o.Lockout > TimeSpan.Zero, "Auth:MaxFailedLogins and Auth:Lockout must be positive").ValidateOnStart();
        services.AddOptions<AuthOptions>().Validate(o => o.SignInsPerMinute > 0, "Auth:SignInsPerMinute must be positive");
        services.TryAddSingleton<IPasswordHasher<UserEntity>, PasswordHasher<UserEntity>>();
        services.AddSingleton<SignInLocks>();
        services.AddSingleton<Accounts>();
        services.AddSignInThrottle();
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<HubSessions>();
        services.AddAuthentication(Selector)
            // The REST API takes bearer tokens only: a browser's cookie there would let any page of the
            // same site (another port of this host) make requests in the user's name. The pages call
            // the services directly, and their forms carry antiforgery tokens.
            .AddPolicyScheme(Selector, null, o => o.ForwardDefaultSelector = context =>
                BearerHandler.TokenOf(context.Request) is not null || context.Request.Path.StartsWithSegments("/api/v1")
                    ? BearerHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = "psync.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => RejectOrRedirect(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => RejectOrRedirect(context, StatusCodes.Status403Forbidden);
                o.AccessDeniedPath = "/forbidden";
                // Every request checks the session against the user: deleted, another password or signed out
                // (a new security stamp) ends it; a changed role applies at once.
                o.Events.OnValidatePrincipal = async context =>
                {
                    var id = context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
                    var accounts = context.HttpContext.RequestServices.GetRequiredService<Accounts>();
                    var user = int.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var userId) ? await accounts.FindAsync(userId, context.HttpContext.RequestAborted) : null;
                    if (user is null || user.SecurityStamp != context.Principal!.FindFirst(UserClaims.Stamp)?.Value)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                    else if (Roles.RoleOf(context.Principal) != user.Role)
                    {
                        context.ReplacePrincipal(UserClaims.ForCookie(user, CookieAuthenticationDefaults.AuthenticationScheme));
                        context.ShouldRenew = true;
                    }
                };
            })
            .AddScheme<AuthenticationSchemeOptions, BearerHandler>(BearerHandler.SchemeName, null);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = auth.Value.CookieLifetime);
        // Every endpoint needs a signed-in user unless it says otherwise (health, login, static files).
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build()).AddRolePolicies();
        services.AddCascadingAuthenticationState();
        // Open pages (Blazor circuits) check the session again every RevalidationInterval.
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthState>();
        return services;
    }

    /// <summary>
    /// Browser sign-out: a form post with an antiforgery token. It ends the user's browser sessions
    /// on the server too (a new security stamp), so a copied cookie is worthless. Without a valid
    /// token nothing happens but the way to the sign-in page.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (HttpContext context, IAntiforgery antiforgery, Accounts accounts) =>
            {
                if (await antiforgery.IsRequestValidAsync(context))
                {
                    if (context.User.FindFirst(UserClaims.Stamp) is not null)
                    {
                        await accounts.EndSessionsAsync(AuthEndpoints.UserId(context.User), context.RequestAborted);
                    }
                    await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                }
                return TypedResults.LocalRedirect("/login");
            })
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Why a signed-in user was refused: their role and the one the endpoint needs.</summary>
    public static string ForbiddenDetail(HttpContext context)
    {
        var needs = context.GetEndpoint()?.Metadata.GetOrderedMetadata<RoleMetadata>().Select(m => m.Role).DefaultIfEmpty(Role.Admin).Max() ?? Role.Admin;
        return $"this needs the role {needs.Name()}; {(Roles.RoleOf(context.User) is { } role ? $"you are {role.Name()}" : "you have no role")}";
    }

    /// <summary>API clients get a status and ProblemDetails; browsers get the login page.</summary>
    private static async Task RejectOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/openapi"))
        {
            context.Response.StatusCode = status;
            var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context.HttpContext,
                ProblemDetails =
                {
                    Status = status,
                    Title = status == 401 ? "Unauthorized" : "Forbidden",
                    Detail = status == 401 ? "sign in, or send Authorization: Bearer <token> (POST /api/v1/auth/login gives one)" : ForbiddenDetail(context.HttpContext),
                },
            });
            return;
        }
        context.Response.Redirect(context.RedirectUri);
    }
}
