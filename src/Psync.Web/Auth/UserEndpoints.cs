using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Psync.Web.Api;
using Psync.Web.Data;

namespace Psync.Web.Auth;

public sealed record UserResource(int Id, string UserName, DateTimeOffset CreatedAt, DateTimeOffset? LockedUntil, string Role)
{
    public static UserResource From(UserEntity u) => new(u.Id, u.UserName, u.CreatedAt, u.LockedUntil, u.Role.Name());
}

/// <summary>A new user; the role is viewer (the default), operator or admin.</summary>
public sealed record UserRequest(string? UserName, string? Password, string? Role = null);

/// <param name="Password">The new password.</param>
/// <param name="CurrentPassword">Your present password: needed for your own, not when an admin sets another user's.</param>
public sealed record PasswordRequest(string? Password, string? CurrentPassword = null);

public sealed record RoleRequest(string? Role);

/// <summary>Users: an admin manages them; everyone reads who they are and changes their own password.</summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("/", async (Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok<IReadOnlyList<UserResource>>([.. (await accounts.ListAsync(ct)).Select(UserResource.From)]))
            .RequiresRole(Role.Admin).WithName("ListUsers").WithSummary("Every user");
        users.MapGet("/me", async Task<Results<Ok<UserResource>, ProblemHttpResult>> (ClaimsPrincipal user, Accounts accounts, CancellationToken ct) =>
                await accounts.FindAsync(AuthEndpoints.UserId(user), ct) is { } me
                    ? TypedResults.Ok(UserResource.From(me) with { Role = (Roles.RoleOf(user) ?? Role.Viewer).Name() })
                    : Problems.NotFound("your user no longer exists"))
            .RequiresRole(Role.Viewer).WithName("GetMe").WithSummary("The signed-in user, with the role this sign-in or token has");
        users.MapPost("/", async Task<Results<Created<UserResource>, ProblemHttpResult>> (UserRequest request, Accounts accounts, CancellationToken ct) =>
            {
                var role = Role.Viewer;
                if (request.Role is not null && !Roles.TryParse(request.Role, out role))
                {
                    return Problems.BadRequest("role is viewer, operator or admin");
                }
                try
                {
                    var u = await accounts.CreateAsync(request.UserName ?? "", request.Password ?? "", role, ct);
                    return TypedResults.Created($"/api/v1/users/{u.Id}", UserResource.From(u));
                }
                catch (ArgumentException e)
                {
                    return Problems.BadRequest(e.ForPeople());
                }
            })
            .RequiresRole(Role.Admin).WithName("CreateUser").WithSummary("Adds a user (role viewer unless given)");
        users.MapPut("/{id:int}/password", async Task<Results<NoContent, ProblemHttpResult>> (int id, PasswordRequest request, ClaimsPrincipal user, Accounts accounts, HttpContext context, CancellationToken ct) =>
            {
                var own = id == AuthEndpoints.UserId(user);
                if (!own && !user.Has(Role.Admin))
                {
                    return Problems.Forbidden("only an admin sets another user's password");
                }
                try
                {
                    var keep = own ? UserClaims.TokenId(user) : null;
                    var done = own
                        ? await accounts.ChangeOwnPasswordAsync(id, request.CurrentPassword ?? "", request.Password ?? "", keep, context.Connection.RemoteIpAddress, ct)
                        : await accounts.SetPasswordAsync(id, request.Password ?? "", null, ct);
                    return done ? TypedResults.NoContent() : Problems.NotFound($"there is no user {id}");
                }
                catch (ArgumentException e)
                {
                    return Problems.BadRequest(e.ForPeople());
                }
            })
            .RequiresRole(Role.Viewer).WithName("SetPassword")
            .WithSummary("Sets a password (your own with currentPassword; an admin: anyone's) and lifts a lockout; the user's other sign-ins and tokens end");
        users.MapPut("/{id:int}/role", async Task<Results<NoContent, ProblemHttpResult>> (int id, RoleRequest request, Accounts accounts, CancellationToken ct) =>
            {
                if (!Roles.TryParse(request.Role, out var role))
                {
                    return Problems.BadRequest("role is viewer, operator or admin");
                }
                try
                {
                    return await accounts.SetRoleAsync(id, role, ct) ? TypedResults.NoContent() : Problems.NotFound($"there is no user {id}");
                }
                catch (InvalidOperationException e)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: e.Message);
                }
            })
            .RequiresRole(Role.Admin).WithName("SetRole").WithSummary("Sets a user's role (not the last admin's to less); it applies to their sign-ins and tokens at once");
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
            .RequiresRole(Role.Admin).WithName("DeleteUser").WithSummary("Removes a user (not the last admin) and their tokens");
        return api;
    }
}
