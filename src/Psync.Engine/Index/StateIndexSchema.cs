using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Psync.Engine.Index;

/// <summary>The index file's tables, and the check that a file is one this build understands.</summary>
internal static class StateIndexSchema
{
    /// <summary>The version this build writes; bump it with every change to the tables.</summary>
    public const int Version = 3;

    /// <summary>The meta key that holds the version; callers cannot set it.</summary>
    public const string VersionKey = "schema_version";

    // Paths are BLOB keys (PathOrder.SortKey): SQLite TEXT would mangle the lone surrogates that
    // stand for invalid UTF-8, and memcmp order on the key is PathOrder.
    private const string CreateSql = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        );
        CREATE TABLE entries (
            path BLOB PRIMARY KEY NOT NULL,
            kind INTEGER NOT NULL,
            size INTEGER NOT NULL,
            link_target BLOB,
            l_mtime_ns INTEGER NOT NULL,
            l_mode INTEGER NOT NULL,
            l_ino INTEGER NOT NULL,
            l_ctime_ns INTEGER NOT NULL,
            r_mtime_ns INTEGER NOT NULL,
            r_mode INTEGER NOT NULL,
            r_ino INTEGER NOT NULL,
            r_ctime_ns INTEGER NOT NULL,
            l_uid INTEGER NOT NULL DEFAULT 4294967295,
            l_gid INTEGER NOT NULL DEFAULT 4294967295,
            r_uid INTEGER NOT NULL DEFAULT 4294967295,
            r_gid INTEGER NOT NULL DEFAULT 4294967295,
            l_xattr INTEGER NOT NULL DEFAULT 0,
            r_xattr INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        """ + TotalsSql;

    /// <summary>
    /// Per kind, how many entries and how many bytes the index holds, kept by triggers in the same
    /// transaction as every write (a rollback rolls them back too), so reading the tree's totals
    /// costs one row per kind, not a walk. Writes are upserts, so a replaced entry is an update.
    /// </summary>
    private const string TotalsSql = """
        CREATE TABLE totals (
            kind INTEGER PRIMARY KEY NOT NULL,
            entries INTEGER NOT NULL,
            bytes INTEGER NOT NULL
        );
        CREATE TRIGGER totals_insert AFTER INSERT ON entries BEGIN
            INSERT INTO totals (kind, entries, bytes) VALUES (NEW.kind, 1, NEW.size)
                ON CONFLICT (kind) DO UPDATE SET entries = entries + 1, bytes = bytes + excluded.bytes;
        END;
        CREATE TRIGGER totals_delete AFTER DELETE ON entries BEGIN
            UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.size WHERE kind = OLD.kind;
        END;
        CREATE TRIGGER totals_update AFTER UPDATE OF kind, size ON entries BEGIN
            UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.size WHERE kind = OLD.kind;
            INSERT INTO totals (kind, entries, bytes) VALUES (NEW.kind, 1, NEW.size)
                ON CONFLICT (kind) DO UPDATE SET entries = entries + 1, bytes = bytes + excluded.bytes;
        END;
        """;

    /// <summary>From version 2: the totals table and its triggers, filled from what the index holds.</summary>
    private const string UpgradeFrom2Sql = TotalsSql + """
        INSERT INTO totals (kind, entries, bytes) SELECT kind, COUNT(*), SUM(size) FROM entries GROUP BY kind;
        UPDATE meta SET value = '3' WHERE key = 'schema_version';
        """;

    /// <summary>From version 1: owners, not known for what is already there, and xattr digests (none) (<see cref="Psync.Protocol.FileState.NoOwner"/>, which compares equal to any).</summary>
    private const string UpgradeFrom1Sql = """
        ALTER TABLE entries ADD COLUMN l_uid INTEGER NOT NULL DEFAULT 4294967295;
        ALTER TABLE entries ADD COLUMN l_gid INTEGER NOT NULL DEFAULT 4294967295;
        ALTER TABLE entries ADD COLUMN r_uid INTEGER NOT NULL DEFAULT 4294967295;
        ALTER TABLE entries ADD COLUMN r_gid INTEGER NOT NULL DEFAULT 4294967295;
        ALTER TABLE entries ADD COLUMN l_xattr INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE entries ADD COLUMN r_xattr INTEGER NOT NULL DEFAULT 0;
        UPDATE meta SET value = '2' WHERE key = 'schema_version';
        """;

    /// <summary>The upgrade from version N at index N − 1, up to <see cref="Version"/>.</summary>
    private static readonly string[] Upgrades = [UpgradeFrom1Sql, UpgradeFrom2Sql];

    /// <summary>The columns every read selects, in the order <see cref="StateIndex"/> reads them.</summary>
    public const string Columns =
        "path, kind, size, link_target, l_mtime_ns, l_mode, l_ino, l_ctime_ns, r_mtime_ns, r_mode, r_ino, r_ctime_ns, l_uid, l_gid, r_uid, r_gid, l_xattr, r_xattr";

    /// <summary>Creates the tables in an empty file, or checks the version of an existing one.</summary>
    /// <exception cref="NotSupportedException">The file was written by a newer or unknown schema.</exception>
    /// <exception cref="InvalidDataException">The file is a SQLite database but not a state index.</exception>
    public static void Ensure(SqliteConnection connection, string databasePath)
    {
        using var transaction = connection.BeginTransaction();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count == 0)
        {
            using var create = connection.CreateCommand();
            create.Transaction = transaction;
            create.CommandText = CreateSql + "INSERT INTO meta (key, value) VALUES ($key, $value);";
            create.Parameters.AddWithValue("$key", VersionKey);
            create.Parameters.AddWithValue("$value", Version.ToString(CultureInfo.InvariantCulture));
            create.ExecuteNonQuery();
            transaction.Commit();
            return;
        }

        if (!tables.Contains("meta") || !tables.Contains("entries"))
        {
            throw new InvalidDataException($"{databasePath} is a SQLite database but not a Psync state index.");
        }
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT value FROM meta WHERE key = $key";
        read.Parameters.AddWithValue("$key", VersionKey);
        var found = read.ExecuteScalar() as string;
        // One step at a time: each upgrade sets the version it reaches.
        for (var from = 1; from <= Upgrades.Length; from++)
        {
            if (found == from.ToString(CultureInfo.InvariantCulture))
            {
                using var upgrade = connection.CreateCommand();
                upgrade.Transaction = transaction;
                upgrade.CommandText = Upgrades[from - 1];
                upgrade.ExecuteNonQuery();
                found = (from + 1).ToString(CultureInfo.InvariantCulture);
            }
        }
        if (found != Version.ToString(CultureInfo.InvariantCulture))
        {
            throw new NotSupportedException(
                $"The state index {databasePath} has schema version '{found ?? "(none)"}', but this Psync build " +
                $"only understands version {Version}. It was probably written by a newer Psync; upgrade Psync, " +
                "or delete the file to rebuild the index with a full reconcile.");
        }
        transaction.Commit();
    }
}
