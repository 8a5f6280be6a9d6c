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
        // The key ring (it decrypts the stored SSH keys) is encrypted with a certificate of its own, not
        // the HTTPS one: renewing that must not make the ring unreadable. Keys written unencrypted by
        // an older version stay readable; new ones are encrypted.
        var keyRing = Tls.Certificates.LoadOrCreate(folder.KeyRingCertificate, "Psync key ring", forTls: false, TimeProvider.System, out _);
        services.AddDataProtection().SetApplicationName("psync").PersistKeysToFileSystem(new DirectoryInfo(folder.Keys))
            .ProtectKeysWithCertificate(keyRing).UnprotectKeysWithAnyCertificate(keyRing);
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
