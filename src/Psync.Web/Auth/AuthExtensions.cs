using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
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
                // A deleted user's browser sign-in ends with its next request, not when the cookie expires.
                o.Events.OnValidatePrincipal = async context =>
                {
                    var id = context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
                    var accounts = context.HttpContext.RequestServices.GetRequiredService<Accounts>();
                    if (!int.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var userId) || !await accounts.ExistsAsync(userId, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
            })
            .AddScheme<AuthenticationSchemeOptions, BearerHandler>(BearerHandler.SchemeName, null);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = auth.Value.CookieLifetime);
        // Every endpoint needs a signed-in user unless it says otherwise (health, login, static files).
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        return services;
    }

    /// <summary>Browser sign-out: a form post with an antiforgery token; without a valid one, nothing happens but the way to the sign-in page.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (HttpContext context, IAntiforgery antiforgery) =>
            {
                if (await antiforgery.IsRequestValidAsync(context))
                {
                    await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                }
                return TypedResults.LocalRedirect("/login");
            })
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
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
                ProblemDetails = { Status = status, Title = status == 401 ? "Unauthorized" : "Forbidden", Detail = "sign in, or send Authorization: Bearer <token> (POST /api/v1/auth/login gives one)" },
            });
            return;
        }
        context.Response.Redirect(context.RedirectUri);
    }
}
