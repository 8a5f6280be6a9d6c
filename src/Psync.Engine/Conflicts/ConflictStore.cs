using Microsoft.Data.Sqlite;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Conflicts;

/// <summary>
/// The conflicts of one pair, kept in <c>conflicts.db</c> in its data folder so that the list
/// survives a restart (the copies themselves are files in both trees). Not thread-safe: the
/// pair's journal serializes access.
/// </summary>
public sealed class ConflictStore : IDisposable
{
    /// <summary>The store's file in the pair's data folder.</summary>
    public const string FileName = "conflicts.db";

    /// <summary>The highest id ever given: kept in meta, so that emptying the list (<see cref="Forget"/>) does not reset it.</summary>
    private const string LastId = "MAX(COALESCE((SELECT value FROM meta WHERE key = 'last_id'), 0), COALESCE((SELECT MAX(id) FROM conflicts), 0))";

    private readonly SqliteConnection _connection;

    private ConflictStore(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (creating when missing) the conflict list in <paramref name="dataDir"/>.</summary>
    public static ConflictStore Open(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, FileName),
            Pooling = false,
        }.ToString());
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS conflicts (
                id INTEGER PRIMARY KEY,
                path BLOB NOT NULL,
                left_state BLOB NOT NULL,
                right_state BLOB NOT NULL,
                loser INTEGER NOT NULL,
                copy BLOB NOT NULL,
                time_ms INTEGER NOT NULL,
                resolved INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            """;
        create.ExecuteNonQuery();
        return new ConflictStore(connection);
    }

    /// <summary>The conflicts recorded in <paramref name="dataDir"/>, oldest first; none when the pair never had any (nothing is created).</summary>
    /// <remarks>For readers beside the running pair (the web app): SQLite lets them read while the pair writes.</remarks>
    public static IReadOnlyList<ConflictRecord> Read(string dataDir)
    {
        if (!File.Exists(Path.Combine(dataDir, FileName)))
        {
            return [];
        }
        using var store = Open(dataDir);
        return store.All();
    }

    /// <summary>Every recorded conflict, oldest first.</summary>
    public IReadOnlyList<ConflictRecord> All()
    {
        using var select = _connection.CreateCommand();
        select.CommandText = "SELECT id, path, left_state, right_state, loser, copy, time_ms, resolved FROM conflicts ORDER BY id";
        using var reader = select.ExecuteReader();
        var result = new List<ConflictRecord>();
        while (reader.Read())
        {
            result.Add(new ConflictRecord(
                reader.GetInt64(0),
                PathCodec.Decode((byte[])reader[1]),
                ReadState((byte[])reader[2]),
                ReadState((byte[])reader[3]),
                (Side)reader.GetInt32(4),
                PathCodec.Decode((byte[])reader[5]),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.GetInt64(7) != 0));
        }
        return result;
    }

    /// <summary>Records a conflict and returns it with its id. Ids are never given twice, not even after <see cref="Forget"/>.</summary>
    public ConflictRecord Add(string path, FileState left, FileState right, Side loser, string copy, DateTimeOffset time)
    {
        using var insert = _connection.CreateCommand();
        insert.CommandText = $$"""
            INSERT OR REPLACE INTO meta (key, value) VALUES ('last_id', {{LastId}} + 1);
            INSERT INTO conflicts (id, path, left_state, right_state, loser, copy, time_ms) VALUES ((SELECT value FROM meta WHERE key = 'last_id'), $path, $left, $right, $loser, $copy, $time);
            SELECT last_insert_rowid();
            """;
        insert.Parameters.AddWithValue("$path", PathCodec.Encode(path));
        insert.Parameters.AddWithValue("$left", WriteState(left));
        insert.Parameters.AddWithValue("$right", WriteState(right));
        insert.Parameters.AddWithValue("$loser", (int)loser);
        insert.Parameters.AddWithValue("$copy", PathCodec.Encode(copy));
        insert.Parameters.AddWithValue("$time", time.ToUnixTimeMilliseconds());
        var id = (long)insert.ExecuteScalar()!;
        return new ConflictRecord(id, path, left, right, loser, copy, time, Resolved: false);
    }

    /// <summary>Marks conflict <paramref name="id"/> settled; it stays listed until the pair's trees are reset.</summary>
    public void MarkResolved(long id)
    {
        using var update = _connection.CreateCommand();
        update.CommandText = "UPDATE conflicts SET resolved = 1 WHERE id = $id";
        update.Parameters.AddWithValue("$id", id);
        update.ExecuteNonQuery();
    }

    /// <summary>
    /// Drops the conflicts recorded in <paramref name="dataDir"/> (the pair's trees changed), keeping the
    /// count of ids, so an id someone holds never names a later conflict.
    /// </summary>
    public static void Forget(string dataDir)
    {
        if (!File.Exists(Path.Combine(dataDir, FileName)))
        {
            return;
        }
        using var store = Open(dataDir);
        using var delete = store._connection.CreateCommand();
        delete.CommandText = $$"""
            INSERT OR REPLACE INTO meta (key, value) VALUES ('last_id', {{LastId}});
            DELETE FROM conflicts;
            """;
        delete.ExecuteNonQuery();
    }

    /// <summary>Closes the database.</summary>
    public void Dispose() => _connection.Dispose();

    private static byte[] WriteState(in FileState state)
    {
        var w = new WireWriter();
        w.State(state);
        return w.Written.ToArray();
    }

    private static FileState ReadState(byte[] bytes) => new WireReader(bytes).State();
}
