using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Psync.Web.Data;

public static class DataExtensions
{
    public static IServiceCollection AddPsyncData(this IServiceCollection services, DataFolder folder)
    {
        folder.Create();
        services.AddSingleton(folder);
        var connection = new SqliteConnectionStringBuilder { DataSource = folder.Database, Pooling = true, DefaultTimeout = 30 }.ToString();
        services.AddDbContextFactory<PsyncDb>(o => o.UseSqlite(connection));
        services.AddDataProtection().SetApplicationName("psync").PersistKeysToFileSystem(new DirectoryInfo(folder.Keys));
        return services;
    }

    /// <summary>Applies migrations and turns on WAL, before anything else touches the database.</summary>
    public static async Task MigratePsyncDbAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PsyncDb>>().CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}
