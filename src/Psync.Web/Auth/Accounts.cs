using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Psync.Web.Audit;
using Psync.Web.Data;

namespace Psync.Web.Auth;

/// <summary>The outcome of a password check.</summary>
public sealed record LoginResult(UserEntity? User, string? Error)
{
    public bool Succeeded => User is not null;
}

/// <summary>Users: hashed passwords (ASP.NET Core Identity's hasher), a lock per name and address after failed logins (<see cref="SignInLocks"/>), roles and security stamps.</summary>
public sealed partial class Accounts(IDbContextFactory<PsyncDb> dbs, IPasswordHasher<UserEntity> hasher, SignInLocks locks, TimeProvider clock, HubSessions hub, AuditLog audit, ILogger<Accounts> log)
{
    public const int MinPasswordLength = 8;

    /// <summary>Checks a sign-in from <paramref name="from"/>; a name locked for that address is refused without looking at the password.</summary>
    public async Task<LoginResult> CheckPasswordAsync(string userName, string password, IPAddress? from, CancellationToken ct = default)
    {
        var address = SignInLocks.AddressOf(from);
        if (locks.TryBegin(userName, address, out var lockedUntil) == SignInGate.Locked)
        {
            LogRefusedLocked(log, userName, address);
            return Locked(lockedUntil);
        }
        var succeeded = false;
        try
        {
            var result = await VerifyAsync(userName, password, ct);
            succeeded = result.Succeeded;
            if (!succeeded)
            {
                LogFailed(log, userName, address);
            }
            return result;
        }
        finally
        {
            if (locks.End(userName, address, succeeded) is { } until)
            {
                LogLockedOut(log, userName, address, until);
                await MarkLockedAsync(userName, until);
            }
        }
    }

    private static LoginResult Locked(DateTimeOffset until) =>
        new(null, $"the account is locked for this address after too many failed logins; try again after {until:HH:mm:ss} UTC");

    private async Task<LoginResult> VerifyAsync(string userName, string password, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName.ToLower() == userName.ToLower(), ct);
        if (user is null)
        {
            // The same work as a real check, so timing does not tell which names exist.
            hasher.VerifyHashedPassword(new UserEntity { UserName = "", PasswordHash = "" }, DummyHash, password);
            await audit.RecordAsync(AuditAction.SignInFailed, $"user {userName}", "no such user", user: userName);
            return new LoginResult(null, "wrong user name or password");
        }
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            await audit.RecordAsync(AuditAction.SignInFailed, Target(user), "wrong password", user: userName);
            return new LoginResult(null, "wrong user name or password");
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }
        await audit.RecordAsync(AuditAction.SignIn, Target(user), user: user.UserName);
        return new LoginResult(user, null);
    }

    /// <summary>Shown in the user list: the latest lock of the name from any address (one UPDATE, no read-modify-write).</summary>
    private async Task MarkLockedAsync(string userName, DateTimeOffset until)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await db.Users.Where(u => u.UserName.ToLower() == userName.ToLower()).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockedUntil, until));
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
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AuditAction.UserCreated, Target(user));
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
        user.PasswordHash = hasher.HashPassword(user, password);
        user.FailedLogins = 0;
        user.LockedUntil = null;
        user.SecurityStamp = NewStamp();
        await db.SaveChangesAsync(ct);
        locks.Clear(user.UserName);
        await db.Tokens.Where(t => t.UserId == userId && t.Id != keepToken).ExecuteDeleteAsync(ct);
        hub.EndFor(userId);
        await audit.RecordAsync(AuditAction.PasswordChanged, Target(user));
        return true;
    }

    /// <summary>A user's own change: the current password first (a wrong one counts as a failed login), then as <see cref="SetPasswordAsync"/>.</summary>
    /// <exception cref="ArgumentException">The current password is wrong, or the new one too short.</exception>
    public async Task<bool> ChangeOwnPasswordAsync(int userId, string currentPassword, string password, int? keepToken, IPAddress? from, CancellationToken ct = default)
    {
        CheckPassword(password);
        if (await FindAsync(userId, ct) is not { } user)
        {
            return false;
        }
        var check = await CheckPasswordAsync(user.UserName, currentPassword ?? "", from, ct);
        if (!check.Succeeded)
        {
            throw new ArgumentException(check.Error == "wrong user name or password" ? "the current password is wrong" : check.Error ?? "the current password is wrong", nameof(currentPassword));
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
        await audit.RecordAsync(AuditAction.UserDeleted, Target(user));
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
    private static string Target(UserEntity user) => $"user {user.Id} ({user.UserName})";

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed sign-in as {User} from {Address}: wrong user name or password")]
    private static partial void LogFailed(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed sign-in as {User} from {Address}: locked for this address")]
    private static partial void LogRefusedLocked(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in as {User} from {Address} locked until {Until} after failed logins")]
    private static partial void LogLockedOut(ILogger logger, string user, string address, DateTimeOffset until);
}
