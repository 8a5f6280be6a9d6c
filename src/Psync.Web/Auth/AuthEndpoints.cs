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
public sealed record TokenRequest(string? Name, DateTimeOffset? ExpiresAt = null);

public sealed record TokenResource(int Id, string Name, string Prefix, string User, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);

/// <param name="Record">The stored record.</param>
/// <param name="Token">The token itself: shown this once, stored only as a hash.</param>
public sealed record CreatedToken(TokenResource Record, string Token);

public sealed record UserResource(int Id, string UserName, DateTimeOffset CreatedAt, DateTimeOffset? LockedUntil);

public sealed record UserRequest(string? UserName, string? Password);

public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/login", async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> (LoginRequest request, Accounts accounts, ApiTokens tokens, IOptions<AuthOptions> options, TimeProvider clock, CancellationToken ct) =>
            {
                if (string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password))
                {
                    return Problems.BadRequest("username and password are required");
                }
                var result = await accounts.CheckPasswordAsync(request.Username, request.Password, ct);
                if (!result.Succeeded)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Login failed", detail: result.Error);
                }
                var expires = clock.GetUtcNow() + options.Value.LoginTokenLifetime;
                var (_, token) = await tokens.CreateAsync(result.User!.Id, ApiTokens.LoginTokenName, expires, ct);
                return TypedResults.Ok(new LoginResponse(token, expires));
            })
            .AllowAnonymous().WithTags("Auth").WithName("Login").WithSummary("Exchanges a user name and password for a bearer token");

        var tokensGroup = api.MapGroup("/tokens").WithTags("Tokens");
        tokensGroup.MapGet("/", async (ApiTokens tokens, CancellationToken ct) =>
                TypedResults.Ok<IReadOnlyList<TokenResource>>([.. (await tokens.ListAsync(ct)).Select(t => ToResource(t, t.User?.UserName ?? ""))]))
            .WithName("ListTokens").WithSummary("Every API token (never the token itself)");
        tokensGroup.MapPost("/", async Task<Results<Created<CreatedToken>, ProblemHttpResult>> (TokenRequest request, ClaimsPrincipal user, ApiTokens tokens, CancellationToken ct) =>
            {
                try
                {
                    var (record, token) = await tokens.CreateAsync(UserId(user), request.Name ?? "", request.ExpiresAt, ct);
                    return TypedResults.Created($"/api/v1/tokens/{record.Id}", new CreatedToken(ToResource(record, user.Identity!.Name!), token));
                }
                catch (ArgumentException e)
                {
                    return Problems.BadRequest(e.Message);
                }
            })
            .WithName("CreateToken").WithSummary("Makes an API token for the signed-in user; it is shown once");
        tokensGroup.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, ApiTokens tokens, CancellationToken ct) =>
                await tokens.RevokeAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"there is no token {id}"))
            .WithName("RevokeToken").WithSummary("Revokes a token");

        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("/", async (Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok<IReadOnlyList<UserResource>>([.. (await accounts.ListAsync(ct)).Select(u => new UserResource(u.Id, u.UserName, u.CreatedAt, u.LockedUntil))]))
            .WithName("ListUsers").WithSummary("Every user");
        users.MapPost("/", async Task<Results<Created<UserResource>, ProblemHttpResult>> (UserRequest request, Accounts accounts, CancellationToken ct) =>
            {
                try
                {
                    var u = await accounts.CreateAsync(request.UserName ?? "", request.Password ?? "", ct);
                    return TypedResults.Created($"/api/v1/users/{u.Id}", new UserResource(u.Id, u.UserName, u.CreatedAt, null));
                }
                catch (ArgumentException e)
                {
                    return Problems.BadRequest(e.Message);
                }
            })
            .WithName("CreateUser").WithSummary("Adds a user");
        users.MapPut("/{id:int}/password", async Task<Results<NoContent, ProblemHttpResult>> (int id, UserRequest request, Accounts accounts, CancellationToken ct) =>
            {
                try
                {
                    return await accounts.SetPasswordAsync(id, request.Password ?? "", ct) ? TypedResults.NoContent() : Problems.NotFound($"there is no user {id}");
                }
                catch (ArgumentException e)
                {
                    return Problems.BadRequest(e.Message);
                }
            })
            .WithName("SetPassword").WithSummary("Sets a user's password (and lifts a lockout)");
        users.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, Accounts accounts, CancellationToken ct) =>
            {
                try
                {
                    return await accounts.DeleteAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"there is no user {id}");
                }
                catch (InvalidOperationException e)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: e.Message);
                }
            })
            .WithName("DeleteUser").WithSummary("Removes a user (not the last one)");
        return api;
    }

    public static int UserId(ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("not signed in"), CultureInfo.InvariantCulture);

    private static TokenResource ToResource(TokenEntity t, string userName) => new(t.Id, t.Name, t.Prefix, userName, t.CreatedAt, t.ExpiresAt, t.LastUsedAt);
}
