using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Psync.Web.Auth;
using Psync.Web.Data;

namespace Psync.Web.Tests.Api;

public sealed class RoleMigrationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("psync-migrate-");

    [Fact]
    public async Task Migrate_UsersAndTokensFromBeforeRoles_BecomeAdmins()
    {
        var options = new DbContextOptionsBuilder<PsyncDb>().UseSqlite($"Data Source={Path.Combine(_dir.FullName, "psync.db")};Pooling=False").Options;
        await using var db = new PsyncDb(options);
        await db.GetService<IMigrator>().MigrateAsync("PairBandwidth");
        await db.Database.ExecuteSqlRawAsync("INSERT INTO Users (Id, UserName, PasswordHash, FailedLogins, CreatedAt) VALUES (7, 'old', 'x', 0, '2026-01-01 00:00:00+00:00')");
        await db.Database.ExecuteSqlRawAsync("INSERT INTO Tokens (UserId, Name, Hash, Prefix, CreatedAt) VALUES (7, 'ci', 'ab', 'psy_', '2026-01-01 00:00:00+00:00')");

        await db.Database.MigrateAsync();

        Assert.Equal(Role.Admin, (await db.Users.SingleAsync()).Role);
        Assert.Equal(Role.Admin, (await db.Tokens.SingleAsync()).Role);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
