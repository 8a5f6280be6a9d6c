using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Psync.Web.Auth;

/// <summary>Authenticates <c>Authorization: Bearer psy_…</c>, or <c>access_token=</c> on the SignalR hub (browsers cannot set headers on websockets).</summary>
public sealed class BearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    public static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        return request.Path.StartsWithSegments("/hubs") && request.Query["access_token"] is { Count: 1 } q ? q[0] : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request) is not { Length: > 0 } token)
        {
            return AuthenticateResult.NoResult();
        }
        if (await tokens.ValidateAsync(token, Context.RequestAborted) is not { } found)
        {
            return AuthenticateResult.Fail("the token is unknown, revoked or expired");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(UserClaims.ForToken(found.User, found.Token, SchemeName), SchemeName));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 403, Title = "Forbidden", Detail = AuthExtensions.ForbiddenDetail(Context) },
        });
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 401, Title = "Unauthorized", Detail = "the token is unknown, revoked or expired" },
        });
    }
}
