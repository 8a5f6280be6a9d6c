using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Psync.Web.Api;
using Psync.Web.Data;

namespace Psync.Web.Auth;

public sealed record LoginRequest(string? Username, string? Password);

public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt);

/// <param name="Name">What the token is for.</param>
/// <param name="ExpiresAt">When it stops working; null for never.</param>
/// <param name="Role">viewer, operator or admin: the most it may do, at most your own role (the default).</param>
public sealed record TokenRequest(string? Name, DateTimeOffset? ExpiresAt = null, string? Role = null);

/// <summary>A token as listed; its role is the most it may do, never more than its owner's role now.</summary>
public sealed record TokenResource(int Id, string Name, string Prefix, string User, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, string Role);

/// <param name="Record">The stored record.</param>
/// <param name="Token">The token itself: shown this once, stored only as a hash.</param>
public sealed record CreatedToken(TokenResource Record, string Token);

public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/login", async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> (LoginRequest request, HttpContext context, Accounts accounts, ApiTokens tokens, IOptions<AuthOptions> options, TimeProvider clock, CancellationToken ct) =>
            {
                if (string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password))
                {
                    return Problems.BadRequest("username and password are required");
                }
                var result = await accounts.CheckPasswordAsync(request.Username, request.Password, context.Connection.RemoteIpAddress, ct);
                if (!result.Succeeded)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: result.Error);
                }
                var expires = clock.GetUtcNow() + options.Value.LoginTokenLifetime;
                var (_, token) = await tokens.CreateAsync(result.User!.Id, ApiTokens.LoginTokenName, expires, result.User.Role, ct);
                return TypedResults.Ok(new LoginResponse(token, expires));
            })
            .AllowAnonymous().WithTags("Auth").WithName("Login").WithSummary("Exchanges a user name and password for a bearer token");

        // Every role manages its own tokens; an admin sees and revokes everyone's.
        var tokensGroup = api.MapGroup("/tokens").WithTags("Tokens");
        tokensGroup.MapGet("/", async (ClaimsPrincipal user, ApiTokens tokens, CancellationToken ct) =>
                TypedResults.Ok<IReadOnlyList<TokenResource>>([.. (await tokens.ListAsync(OwnerUnlessAdmin(user), ct)).Select(t => ToResource(t, t.User?.UserName ?? ""))]))
            .RequiresRole(Role.Viewer).WithName("ListTokens").WithSummary("Your API tokens, or every one for an admin (never the token itself)");
        tokensGroup.MapPost("/", async Task<Results<Created<CreatedToken>, ProblemHttpResult>> (TokenRequest request, ClaimsPrincipal user, ApiTokens tokens, CancellationToken ct) =>
            {
                var mine = Roles.RoleOf(user) ?? Role.Viewer;
                var role = mine;
                if (request.Role is not null && !Roles.TryParse(request.Role, out role))
                {
                    return Problems.BadRequest("role is viewer, operator or admin");
                }
                if (role > mine)
                {
                    return Problems.Forbidden($"a token cannot do more than you: you are {mine.Name()}");
                }
                try
                {
                    var (record, token) = await tokens.CreateAsync(UserId(user), request.Name ?? "", request.ExpiresAt, role, ct);
                    return TypedResults.Created($"/api/v1/tokens/{record.Id}", new CreatedToken(ToResource(record, user.Identity!.Name!), token));
                }
                catch (ArgumentException e)
                {
                    return Problems.BadRequest(e.ForPeople());
                }
            })
            .RequiresRole(Role.Viewer).WithName("CreateToken").WithSummary("Makes an API token for the signed-in user, with their role or a lower one; it is shown once");
        tokensGroup.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, ClaimsPrincipal user, ApiTokens tokens, CancellationToken ct) =>
                await tokens.RevokeAsync(id, OwnerUnlessAdmin(user), ct) ? TypedResults.NoContent() : Problems.NotFound($"there is no token {id} you may revoke"))
            .RequiresRole(Role.Viewer).WithName("RevokeToken").WithSummary("Revokes one of your tokens (an admin: anyone's)");
        return api;
    }

    public static int UserId(ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("not signed in"), CultureInfo.InvariantCulture);

    /// <summary>Null (everyone's) for an admin, else the user's own id.</summary>
    public static int? OwnerUnlessAdmin(ClaimsPrincipal user) => user.Has(Role.Admin) ? null : UserId(user);

    private static TokenResource ToResource(TokenEntity t, string userName) => new(t.Id, t.Name, t.Prefix, userName, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.Role.Name());
}
