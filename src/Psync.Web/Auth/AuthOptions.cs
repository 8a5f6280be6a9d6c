namespace Psync.Web.Auth;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Failed logins in a row from one address before the name is locked for that address.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sign-in attempts (the login form and <c>POST /api/v1/auth/login</c>) one source address may make per minute; more are answered 429.</summary>
    public int SignInsPerMinute { get; set; } = 10;

    /// <summary>How long a token from <c>POST /api/v1/auth/login</c> is valid.</summary>
    public TimeSpan LoginTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a browser sign-in lasts without activity.</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How often an open page checks that its sign-in still holds (password, sign-out, role, user).</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(10);
}
