using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Psync.Web.Auth;

/// <summary>
/// Sign-in attempts per source address (behind a reverse proxy, the client's address from
/// <c>X-Forwarded-For</c> when the proxy is known): throttled before any password or lock is looked at,
/// so one address cannot try many passwords, nor lock names out for other addresses.
/// </summary>
public static partial class SignInThrottle
{
    public static IServiceCollection AddSignInThrottle(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignIn(context.Request)
            ? RateLimitPartition.GetFixedWindowLimiter(SignInLocks.AddressOf(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter(""));
        o.OnRejected = async (rejected, ct) =>
        {
            var context = rejected.HttpContext;
            var address = SignInLocks.AddressOf(context.Connection.RemoteIpAddress);
            LogThrottled(context.RequestServices.GetRequiredService<ILogger<SignInLocks>>(), address);
            if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many sign-in attempts", Detail = "too many sign-in attempts from this address; try again in a minute" },
            });
        };
    });

    private static bool IsSignIn(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && (request.Path.Equals("/api/v1/auth/login", StringComparison.OrdinalIgnoreCase) || request.Path.Equals("/login", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused from {Address}: too many attempts from this address")]
    private static partial void LogThrottled(ILogger logger, string address);
}
