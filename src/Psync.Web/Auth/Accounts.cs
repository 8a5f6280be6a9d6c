using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Web.Data;

namespace Psync.Web.Auth;

/// <summary>The outcome of a password check.</summary>
public sealed record LoginResult(UserEntity? User, string? Error)
{
    public bool Succeeded => User is not null;
}

/// <summary>Users: hashed passwords (ASP.NET Core Identity's hasher), lockout after failed logins.</summary>
public sealed partial class Accounts(IDbContextFactory<PsyncDb> dbs, IOptions<AuthOptions> options, TimeProvider clock, HubSessions hub, ILogger<Accounts> log)
{
    public const int MinPasswordLength = 8;
    private readonly PasswordHasher<UserEntity> _hasher = new();

    public async Task<LoginResult> CheckPasswordAsync(string userName, string password, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName.ToLower() == userName.ToLower(), ct);
        var now = clock.GetUtcNow();
        if (user is null)
        {
            // The same work as a real check, so timing does not tell which names exist.
            _hasher.VerifyHashedPassword(new UserEntity { UserName = "", PasswordHash = "" }, DummyHash, password);
            return new LoginResult(null, "wrong user name or password");
        }
        if (user.LockedUntil is { } until && until > now)
        {
            return new LoginResult(null, $"the account is locked after too many failed logins; try again after {until:HH:mm:ss} UTC");
        }
        var verdict = _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            if (user.FailedLogins >= options.Value.MaxFailedLogins)
            {
                user.LockedUntil = now + options.Value.Lockout;
                user.FailedLogins = 0;
                LogLockedOut(log, user.UserName, user.LockedUntil.Value);
            }
            await db.SaveChangesAsync(ct);
            return new LoginResult(null, "wrong user name or password");
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = _hasher.HashPassword(user, password);
        }
        user.FailedLogins = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(ct);
        return new LoginResult(user, null);
    }

    public async Task<List<UserEntity>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
    }

    public async Task<UserEntity?> FindAsync(int userId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
    }

    /// <summary>Whether a browser session's principal still holds: its user exists, with the stamp and the role it carries.</summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken ct = default) =>
        int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id)
        && await FindAsync(id, ct) is { } user
        && user.SecurityStamp == principal.FindFirstValue(UserClaims.Stamp)
        && user.Role == Roles.RoleOf(principal);

    /// <exception cref="ArgumentException">The name is taken or empty, or the password too short.</exception>
    public async Task<UserEntity> CreateAsync(string userName, string password, Role role, CancellationToken ct = default)
    {
        userName = userName.Trim();
        if (userName.Length is 0 or > 100)
        {
            throw new ArgumentException("a user name is 1 to 100 characters", nameof(userName));
        }
        CheckPassword(password);
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(u => u.UserName.ToLower() == userName.ToLower(), ct))
        {
            throw new ArgumentException($"a user named '{userName}' exists", nameof(userName));
        }
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentException("a role is viewer, operator or admin", nameof(role));
        }
        var user = new UserEntity { UserName = userName, PasswordHash = "", CreatedAt = clock.GetUtcNow(), Role = role, SecurityStamp = NewStamp() };
        user.PasswordHash = _hasher.HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>
    /// Sets a password and ends the user's other sessions: a new security stamp (browser sessions) and
    /// every token of the user but <paramref name="keepToken"/> (the one the change came with, if any).
    /// </summary>
    /// <returns>False when there is no such user.</returns>
    /// <exception cref="ArgumentException">The password is too short.</exception>
    public async Task<bool> SetPasswordAsync(int userId, string password, int? keepToken, CancellationToken ct = default)
    {
        CheckPassword(password);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.FindAsync([userId], ct);
        if (user is null)
        {
            return false;
        }
        user.PasswordHash = _hasher.HashPassword(user, password);
        user.FailedLogins = 0;
        user.LockedUntil = null;
        user.SecurityStamp = NewStamp();
        await db.SaveChangesAsync(ct);
        await db.Tokens.Where(t => t.UserId == userId && t.Id != keepToken).ExecuteDeleteAsync(ct);
        hub.EndFor(userId);
        return true;
    }

    /// <summary>A user's own change: the current password first (a wrong one counts as a failed login), then as <see cref="SetPasswordAsync"/>.</summary>
    /// <exception cref="ArgumentException">The current password is wrong, or the new one too short.</exception>
    public async Task<bool> ChangeOwnPasswordAsync(int userId, string currentPassword, string password, int? keepToken, CancellationToken ct = default)
    {
        CheckPassword(password);
        if (await FindAsync(userId, ct) is not { } user)
        {
            return false;
        }
        var check = await CheckPasswordAsync(user.UserName, currentPassword ?? "", ct);
        if (!check.Succeeded)
        {
            throw new ArgumentException(check.Error == "wrong user name or password" ? "the current password is wrong" : check.Error, nameof(currentPassword));
        }
        return await SetPasswordAsync(userId, password, keepToken, ct);
    }

    /// <summary>Ends every browser session of the user (sign-out): their cookies carry the old stamp.</summary>
    public async Task EndSessionsAsync(int userId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var stamp = NewStamp();
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp), ct);
        hub.EndFor(userId);
    }

    /// <returns>False when there is no such user.</returns>
    /// <exception cref="InvalidOperationException">It would leave no admin.</exception>
    public async Task<bool> SetRoleAsync(int userId, Role role, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentException("a role is viewer, operator or admin", nameof(role));
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.FindAsync([userId], ct);
        if (user is null)
        {
            return false;
        }
        if (user.Role == Role.Admin && role != Role.Admin && await db.Users.CountAsync(u => u.Role == Role.Admin, ct) == 1)
        {
            throw new InvalidOperationException("the last admin cannot be demoted");
        }
        user.Role = role;
        await db.SaveChangesAsync(ct);
        hub.EndFor(userId);
        return true;
    }

    /// <exception cref="InvalidOperationException">It is the last admin.</exception>
    public async Task<bool> DeleteAsync(int userId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.FindAsync([userId], ct);
        if (user is null)
        {
            return false;
        }
        if (user.Role == Role.Admin && await db.Users.CountAsync(u => u.Role == Role.Admin, ct) == 1)
        {
            throw new InvalidOperationException("the last admin cannot be deleted");
        }
        db.Users.Remove(user);
        await db.SaveChangesAsync(ct);
        hub.EndFor(userId);
        return true;
    }

    /// <summary>First start: creates <c>admin</c> with <c>PSYNC_ADMIN_PASSWORD</c>, else with a random password logged once.</summary>
    public async Task EnsureAdminAsync(string? password, CancellationToken ct = default)
    {
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            if (await db.Users.AnyAsync(ct))
            {
                return;
            }
        }
        var generated = string.IsNullOrEmpty(password);
        password = generated ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y') : password!;
        await CreateAsync("admin", password, Role.Admin, ct);
        if (generated)
        {
            LogGeneratedAdmin(log, password);
        }
        else
        {
            LogAdminFromEnvironment(log);
        }
    }

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static void CheckPassword(string password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength)
        {
            throw new ArgumentException($"a password has at least {MinPasswordLength} characters", nameof(password));
        }
    }

    private static readonly string DummyHash = new PasswordHasher<UserEntity>().HashPassword(new UserEntity { UserName = "", PasswordHash = "" }, "dummy-password");

    [LoggerMessage(Level = LogLevel.Warning, Message = "First start: created user 'admin' with password {Password} (shown once; change it under Users)")]
    private static partial void LogGeneratedAdmin(ILogger logger, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start: created user 'admin' with the password from PSYNC_ADMIN_PASSWORD")]
    private static partial void LogAdminFromEnvironment(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {User} locked out until {Until} after failed logins")]
    private static partial void LogLockedOut(ILogger logger, string user, DateTimeOffset until);
}
