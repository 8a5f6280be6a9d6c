using System.Globalization;
using System.Security.Claims;
using Psync.Web.Data;

namespace Psync.Web.Auth;

/// <summary>The claims of a signed-in user: id, name, role, and the security stamp (cookie) or token id (bearer).</summary>
public static class UserClaims
{
    public const string Stamp = "stamp";
    public const string Token = "token";

    /// <summary>A browser session's principal: it lasts while the user's stamp stays the one it carries.</summary>
    public static ClaimsPrincipal ForCookie(UserEntity user, string scheme) => new(new ClaimsIdentity(
        [.. Common(user.Id, user.UserName, user.Role), new Claim(Stamp, user.SecurityStamp)], scheme));

    /// <summary>A token's principal: the lower of the token's role and its owner's.</summary>
    public static ClaimsPrincipal ForToken(UserEntity user, TokenEntity token, string scheme) => new(new ClaimsIdentity(
        [.. Common(user.Id, user.UserName, (Role)Math.Min((int)user.Role, (int)token.Role)), new Claim(Token, token.Id.ToString(CultureInfo.InvariantCulture))], scheme));

    public static int? TokenId(ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(Token), CultureInfo.InvariantCulture, out var id) ? id : null;

    private static Claim[] Common(int id, string name, Role role) =>
    [
        new(ClaimTypes.NameIdentifier, id.ToString(CultureInfo.InvariantCulture)),
        new(ClaimTypes.Name, name),
        new(ClaimTypes.Role, role.ToString()),
    ];
}
