using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Psync.Web.Auth;

/// <summary>What a user (or a token) may do; each role may do all that the ones below it may.</summary>
public enum Role
{
    /// <summary>Reads everything but tokens of others and users; changes nothing but its own password and tokens.</summary>
    Viewer = 0,

    /// <summary>Runs pairs: creates, edits, pauses and resumes them, resolves conflicts, restores, confirms deletes, flushes.</summary>
    Operator = 1,

    /// <summary>Also users, hosts, every token and the settings.</summary>
    Admin = 2,
}

/// <summary>The role claim, the authorization policies (one per role, named as the role) and the endpoint convention that documents them.</summary>
public static class Roles
{
    /// <summary>Policy names, for <c>[Authorize(Policy = …)]</c> and <c>&lt;AuthorizeView Policy="…"&gt;</c>.</summary>
    public const string Viewer = nameof(Role.Viewer), Operator = nameof(Role.Operator), Admin = nameof(Role.Admin);

    /// <summary>The OpenAPI extension on each operation that names the role it needs.</summary>
    public const string OpenApiExtension = "x-psync-role";

    public static string Name(this Role role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out Role role)
    {
        role = default;
        return text is not null && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role) && !char.IsDigit(text.Trim()[0]);
    }

    /// <summary>The signed-in user's (or token's) role; null when there is none.</summary>
    public static Role? RoleOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Enum.TryParse<Role>(user.FindFirstValue(ClaimTypes.Role), out var role) && Enum.IsDefined(role) ? role : null;

    public static bool Has(this ClaimsPrincipal user, Role role) => RoleOf(user) >= role;

    /// <summary>For components: the role of the cascaded sign-in; null without one (nothing is shown that needs a role).</summary>
    public static async Task<Role?> RoleOfAsync(Task<AuthenticationState>? state) => state is null ? null : RoleOf((await state).User);

    public static AuthorizationBuilder AddRolePolicies(this AuthorizationBuilder builder)
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            builder.AddPolicy(role.ToString(), p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.Has(role)));
        }
        return builder;
    }

    /// <summary>The route needs <paramref name="role"/> (or a higher one); the OpenAPI document says so (<see cref="OpenApiExtension"/>).</summary>
    public static TBuilder RequiresRole<TBuilder>(this TBuilder builder, Role role)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(role.ToString()).WithMetadata(new RoleMetadata(role));

    /// <summary>Says in the OpenAPI document which role each operation needs: the extension <see cref="OpenApiExtension"/> and the description.</summary>
    public static Task DocumentRole(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RoleMetadata>().Select(m => (Role?)m.Role).Max() is { } role)
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[OpenApiExtension] = new JsonNodeExtension(JsonValue.Create(role.Name()));
            operation.Description = $"Needs the role {role.Name()} (or higher).{(operation.Description is { Length: > 0 } more ? " " + more : "")}";
        }
        return Task.CompletedTask;
    }
}

/// <summary>Which role an endpoint needs, for the OpenAPI document.</summary>
public sealed record RoleMetadata(Role Role);
