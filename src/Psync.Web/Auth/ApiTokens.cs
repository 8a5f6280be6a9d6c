using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Psync.Web.Audit;
using Psync.Web.Data;

namespace Psync.Web.Auth;

/// <summary>Bearer tokens: random, shown once, stored as SHA-256.</summary>
public sealed class ApiTokens(IDbContextFactory<PsyncDb> dbs, TimeProvider clock, HubSessions hub, AuditLog audit)
{
    private const string Scheme = "psy_";

    /// <summary>The name of the tokens <c>POST /auth/login</c> hands out.</summary>
    public const string LoginTokenName = "login";

    /// <returns>The stored record and the token itself (not kept anywhere).</returns>
    /// <remarks>Its role is the most it may do: at most its owner's role, which the caller checks.</remarks>
    public async Task<(TokenEntity Record, string Token)> CreateAsync(int userId, string name, DateTimeOffset? expiresAt, Role role, CancellationToken ct = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            throw new ArgumentException("a token name is 1 to 100 characters", nameof(name));
        }
        if (expiresAt is { } e && e <= clock.GetUtcNow())
        {
            throw new ArgumentException("the expiry is in the past", nameof(expiresAt));
        }
        var token = Scheme + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var record = new TokenEntity
        {
            UserId = userId,
            Name = name,
            Hash = Hash(token),
            Prefix = token[..10],
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = expiresAt,
            Role = role,
        };
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        // SQLite cannot compare DateTimeOffset in SQL; the token table is small.
        var expiring = await db.Tokens.Where(t => t.ExpiresAt != null).Select(t => new { t.Id, t.ExpiresAt }).ToListAsync(ct);
        var expired = expiring.Where(t => t.ExpiresAt < now).Select(t => t.Id).ToList();
        await db.Tokens.Where(t => expired.Contains(t.Id)).ExecuteDeleteAsync(ct);
        db.Tokens.Add(record);
        await db.SaveChangesAsync(ct);
        if (name != LoginTokenName)
        {
            // A login token is part of the sign-in, which is recorded as such.
            await audit.RecordAsync(AuditAction.TokenCreated, $"token {record.Id} ({name})", $"for user {userId}{(expiresAt is { } until ? $", expires {until:u}" : "")}");
        }
        return (record, token);
    }

    /// <summary>The user a valid, unexpired token belongs to, or null.</summary>
    public async Task<(UserEntity User, TokenEntity Token)?> ValidateAsync(string token, CancellationToken ct = default)
    {
        if (!token.StartsWith(Scheme, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }
        var hash = Hash(token);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var record = await db.Tokens.Include(t => t.User).SingleOrDefaultAsync(t => t.Hash == hash, ct);
        var now = clock.GetUtcNow();
        if (record?.User is null || record.ExpiresAt is { } e && e <= now)
        {
            return null;
        }
        if (record.LastUsedAt is null || now - record.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            record.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return (record.User, record);
    }

    /// <summary>Every token with its user, or those of <paramref name="owner"/> only, oldest first (the hashes only, never a token).</summary>
    public async Task<List<TokenEntity>> ListAsync(int? owner, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Tokens.AsNoTracking().Include(t => t.User).Where(t => owner == null || t.UserId == owner).OrderBy(t => t.Id).ToListAsync(ct);
    }

    /// <returns>False when there is no such token (of <paramref name="owner"/>, when given).</returns>
    public async Task<bool> RevokeAsync(int id, int? owner, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var token = await db.Tokens.SingleOrDefaultAsync(t => t.Id == id && (owner == null || t.UserId == owner), ct);
        if (token is null)
        {
            return false;
        }
        db.Tokens.Remove(token);
        await db.SaveChangesAsync(ct);
        hub.EndFor(token.UserId);
        await audit.RecordAsync(AuditAction.TokenRevoked, $"token {id} ({token.Name})");
        return true;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
