using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Psync.Web.Tests.Api;

/// <summary>Looks into the appliance's SQLite database directly, as someone with the file would.</summary>
internal static class Database
{
    /// <summary>The names of the database's tables.</summary>
    public static async Task<List<string>> TablesAsync(string database)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var list = connection.CreateCommand();
        list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        await using var reader = await list.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }
        return tables;
    }

    /// <summary>Every non-null cell of every table (or of <paramref name="onlyTable"/>), as text; blobs as UTF-8.</summary>
    public static async Task<List<(string Table, string Column, string Value)>> CellsAsync(string database, string? onlyTable = null)
    {
        var cells = new List<(string, string, string)>();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        var tables = await TablesAsync(database);
        Assert.True(onlyTable is null || tables.Contains(onlyTable), $"no table {onlyTable} in {string.Join(", ", tables)}");
        foreach (var table in tables.Where(t => onlyTable is null || t == onlyTable))
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i))
                    {
                        var value = reader.GetValue(i) is byte[] blob ? Encoding.UTF8.GetString(blob) : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
                        cells.Add((table, reader.GetName(i), value));
                    }
                }
            }
        }
        return cells;
    }

    /// <summary>The database file and its write-ahead log as text, to catch what the tables no longer show (freed pages).</summary>
    public static string FilesText(string database) =>
        string.Concat(new[] { database, database + "-wal" }.Where(File.Exists).Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            return reader.ReadToEnd();
        }));
}
