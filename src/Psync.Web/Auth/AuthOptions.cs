namespace Psync.Web.Auth;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Failed logins in a row before the account is locked.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a token from <c>POST /api/v1/auth/login</c> is valid.</summary>
    public TimeSpan LoginTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a browser sign-in lasts without activity.</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How often an open page checks that its sign-in still holds (password, sign-out, role, user).</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(10);
}
