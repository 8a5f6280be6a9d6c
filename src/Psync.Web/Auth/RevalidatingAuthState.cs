using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Psync.Web.Auth;

/// <summary>An open page (a Blazor circuit) checks its session as a request would: a changed password, sign-out, role or a deleted user ends it.</summary>
public sealed class RevalidatingAuthState(ILoggerFactory loggerFactory, Accounts accounts, IOptions<AuthOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        accounts.IsCurrentAsync(authenticationState.User, cancellationToken);
}
