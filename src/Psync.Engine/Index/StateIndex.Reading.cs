using Microsoft.Data.Sqlite;
using SQLitePCL;
using Psync.Protocol;

namespace Psync.Engine.Index;

public sealed partial class StateIndex
{
    /// <summary>
    /// Every entry in <see cref="PathOrder"/>, streamed from the file: memory stays flat however
    /// big the index is. Reads a snapshot of the committed index taken when the walk starts, so
    /// writing while walking is safe (the walk does not see those writes).
    /// </summary>
    /// <remarks>Dispose the enumerator (foreach does) so that its read snapshot is released.</remarks>
    public IEnumerable<IndexEntry> Enumerate()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Walk(null, null);
    }

    /// <summary>
    /// The entries strictly below <paramref name="dir"/> (not <paramref name="dir"/> itself), in
    /// <see cref="PathOrder"/>, streamed like <see cref="Enumerate"/>. An empty path means the
    /// root: every entry.
    /// </summary>
    public IEnumerable<IndexEntry> EnumerateBelow(string dir)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (dir is { Length: 0 })
        {
            return Walk(null, null);
        }
        var key = Key(dir);
        return Walk(Append(key, 0), Append(key, 1));
    }

    /// <summary>
    /// The entries after <paramref name="after"/> (empty: every entry), in <see cref="PathOrder"/>,
    /// streamed like <see cref="Enumerate"/>: where a page of a reconcile resumes.
    /// </summary>
    public IEnumerable<IndexEntry> EnumerateAfter(string after)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Walk(after.Length == 0 ? null : Key(after), null, loInclusive: false);
    }

    private IEnumerable<IndexEntry> Walk(byte[]? lo, byte[]? hi, bool loInclusive = true)
    {
        var connection = RentReader();
        try
        {
            var where = new List<string>();
            if (lo is not null)
            {
                where.Add(loInclusive ? "path >= $lo" : "path > $lo");
            }
            if (hi is not null)
            {
                where.Add("path < $hi");
            }
            // Through SQLite's own statement, as Get: a command's reader checked and converted every column of every row.
            using var statement = Prepare(connection, $"SELECT {StateIndexSchema.Columns} FROM entries{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))} ORDER BY path");
            var parameter = 1;
            foreach (var bound in (byte[]?[])[lo, hi])
            {
                if (bound is not null)
                {
                    Check(raw.sqlite3_bind_blob(statement, parameter++, bound), connection);
                }
            }
            int step;
            while ((step = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                yield return ReadEntry(statement, null);
            }
            Check(step, connection);
        }
        finally
        {
            ReturnReader(connection);
        }
    }

    // Walks read on their own connection: in WAL mode it holds a stable snapshot while the main
    // connection keeps writing, which one shared connection could not promise.
    private SqliteConnection RentReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = _idleReader;
        _idleReader = null;
        if (connection is null)
        {
            connection = new SqliteConnection(_connectionString);
            connection.Open();
        }
        return connection;
    }

    private void ReturnReader(SqliteConnection connection)
    {
        if (_disposed || _idleReader is not null)
        {
            connection.Dispose();
        }
        else
        {
            _idleReader = connection;
        }
    }

    /// <summary>The entry in the row <paramref name="statement"/> stands on (the columns of <see cref="StateIndexSchema.Columns"/>).</summary>
    private static IndexEntry ReadEntry(sqlite3_stmt statement, string? knownPath)
    {
        long Int(int column) => raw.sqlite3_column_int64(statement, column);
        var path = knownPath ?? PathOrder.FromSortKey(raw.sqlite3_column_blob(statement, 0));
        var kind = (EntryKind)Int(1);
        var size = Int(2);
        var target = raw.sqlite3_column_type(statement, 3) == raw.SQLITE_NULL ? null : PathCodec.Decode(raw.sqlite3_column_blob(statement, 3));
        var left = new FileState(kind, size, Int(4), unchecked((uint)Int(5)), unchecked((ulong)Int(6)), Int(7), target)
        {
            Uid = unchecked((uint)Int(12)),
            Gid = unchecked((uint)Int(13)),
            XattrHash = unchecked((ulong)Int(16)),
        };
        var right = new FileState(kind, size, Int(8), unchecked((uint)Int(9)), unchecked((ulong)Int(10)), Int(11), target)
        {
            Uid = unchecked((uint)Int(14)),
            Gid = unchecked((uint)Int(15)),
            XattrHash = unchecked((ulong)Int(17)),
        };
        return new IndexEntry(path, left, right);
    }

    /// <summary>
    /// The smallest key above every key of the subtree at <paramref name="key"/>: a descendant is
    /// key‖0x00‖…, and nothing else can start with key‖0x00.
    /// </summary>
    private static byte[] Successor(byte[] key) => Append(key, 1);

    private static byte[] Append(byte[] key, byte last)
    {
        var result = new byte[key.Length + 1];
        key.CopyTo(result, 0);
        result[^1] = last;
        return result;
    }

    /// <summary>The BLOB key of a relative path, after checking it is one.</summary>
    private static byte[] Key(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path[0] == '/' || path[^1] == '/' || path.Contains("//", StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{PathCodec.Display(path)}' is not a relative path.", nameof(path));
        }
        return PathOrder.SortKey(path);
    }
}
