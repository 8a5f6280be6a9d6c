namespace Psync.Web.Auth;

/// <summary>
/// Refuses a request that a browser sent from another origin (its <c>Origin</c> header names another
/// scheme, host or port): every state-changing request, and every request to the SignalR hub and the
/// Blazor circuit, whose websockets browsers open from any page. Clients that are not browsers send
/// no <c>Origin</c> and are not affected.
/// </summary>
public static partial class SameOrigin
{
    public static IApplicationBuilder UseSameOriginCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.Headers.Origin is { Count: > 0 } origin && Checked(request) && !IsSameOrigin(origin.ToString(), request))
        {
            LogForeignOrigin(context.RequestServices.GetRequiredService<ILogger<SignInLocks>>(), origin.ToString(), request.Method, request.Path, SignInLocks.AddressOf(context.Connection.RemoteIpAddress));
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = "the request comes from another origin" },
            });
            return;
        }
        await next();
    });

    public static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var from)
        && Uri.TryCreate($"{request.Scheme}://{request.Host}", UriKind.Absolute, out var self)
        && string.Equals(from.Scheme, self.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(from.IdnHost, self.IdnHost, StringComparison.OrdinalIgnoreCase)
        && from.Port == self.Port;

    private static bool Checked(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        || request.Path.StartsWithSegments("/hubs") || request.Path.StartsWithSegments("/_blazor");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Address}: Origin {Origin} is not this site")]
    private static partial void LogForeignOrigin(ILogger logger, string origin, string method, string path, string address);
}
