using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Psync.Web.Audit;
using Psync.Web.Data;

namespace Psync.Web.Auth;

/// <summary>The outcome of a password check.</summary>
public sealed record LoginResult(UserEntity? User, string? Error)
{
    public bool Succeeded => User is not null;
}

/// <summary>Users: hashed passwords (ASP.NET Core Identity's hasher), lockout after failed logins.</summary>
public sealed partial class Accounts(IDbContextFactory<PsyncDb> dbs, IOptions<AuthOptions> options, TimeProvider clock, AuditLog audit, ILogger<Accounts> log)
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
            await audit.RecordAsync(AuditAction.SignInFailed, $"user {userName}", "no such user", user: userName);
            return new LoginResult(null, "wrong user name or password");
        }
        if (user.LockedUntil is { } until && until > now)
        {
            await audit.RecordAsync(AuditAction.SignInFailed, Target(user), "locked", user: userName);
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
            await audit.RecordAsync(AuditAction.SignInFailed, Target(user), user.LockedUntil > now ? "wrong password; locked" : "wrong password", user: userName);
            return new LoginResult(null, "wrong user name or password");
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = _hasher.HashPassword(user, password);
        }
        user.FailedLogins = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AuditAction.SignIn, Target(user), user: user.UserName);
        return new LoginResult(user, null);
    }

    public async Task<List<UserEntity>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
    }

    public async Task<bool> ExistsAsync(int userId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.Id == userId, ct);
    }

    /// <exception cref="ArgumentException">The name is taken or empty, or the password too short.</exception>
    public async Task<UserEntity> CreateAsync(string userName, string password, CancellationToken ct = default)
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
        var user = new UserEntity { UserName = userName, PasswordHash = "", CreatedAt = clock.GetUtcNow() };
        user.PasswordHash = _hasher.HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AuditAction.UserCreated, Target(user));
        return user;
    }

    /// <returns>False when there is no such user.</returns>
    public async Task<bool> SetPasswordAsync(int userId, string password, CancellationToken ct = default)
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
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AuditAction.PasswordChanged, Target(user));
        return true;
    }

    /// <exception cref="InvalidOperationException">It is the last user.</exception>
    public async Task<bool> DeleteAsync(int userId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var user = await db.Users.FindAsync([userId], ct);
        if (user is null)
        {
            return false;
        }
        if (await db.Users.CountAsync(ct) == 1)
        {
            throw new InvalidOperationException("the last user cannot be deleted");
        }
        db.Users.Remove(user);
        await db.SaveChangesAsync(ct);
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
        await CreateAsync("admin", password, ct);
        if (generated)
        {
            LogGeneratedAdmin(log, password);
        }
        else
        {
            LogAdminFromEnvironment(log);
        }
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {User} locked out until {Until} after failed logins")]
    private static partial void LogLockedOut(ILogger logger, string user, DateTimeOffset until);
}
