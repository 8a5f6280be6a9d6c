using Microsoft.Data.Sqlite;
using Psync.Engine.Index;
using Psync.Protocol;
using static Psync.Engine.Tests.Index.TempIndex;

namespace Psync.Engine.Tests.Index;

public sealed class StateIndexTests : IDisposable
{
    private readonly TempIndex _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Put_File_RoundTripsEveryFieldPerSide()
    {
        // Arrange
        using var index = _temp.Open();
        var left = new FileState(EntryKind.File, 123_456_789_012, 1_700_000_000_123_456_789, 0x81ED, ulong.MaxValue - 5, 1_700_000_001_000_000_001, null);
        var right = new FileState(EntryKind.File, 123_456_789_012, -42, 0x8180, 77, 5, null);
        var entry = new IndexEntry("docs/report.txt", left, right);

        // Act
        index.Put(entry);
        var read = index.Get("docs/report.txt");

        // Assert
        Assert.Equal(entry, read);
    }

    [Fact]
    public void Put_Directory_RoundTripsWithLeftSizeOnBothSides()
    {
        // Arrange
        using var index = _temp.Open();
        var left = new FileState(EntryKind.Directory, 4096, 11, 0x41ED, 12, 13, null);
        var right = new FileState(EntryKind.Directory, 8192, 21, 0x41C0, 22, 23, null);

        // Act
        index.Put(new IndexEntry("photos", left, right));
        var read = index.Get("photos");

        // Assert
        Assert.NotNull(read);
        Assert.Equal(left, read.Left);
        Assert.Equal(right with { Size = 4096 }, read.Right);
    }

    [Fact]
    public void Put_SymlinkWithTarget_RoundTripsTargetBytes()
    {
        // Arrange
        using var index = _temp.Open();
        const string target = "../odd\uDCFF target/\U0001F600\n";
        var left = new FileState(EntryKind.Symlink, target.Length, 31, 0xA1FF, 32, 33, target);
        var right = new FileState(EntryKind.Symlink, target.Length, 41, 0xA1FF, 42, 43, target);

        // Act
        index.Put(new IndexEntry("link", left, right));
        var read = index.Get("link");

        // Assert
        Assert.NotNull(read);
        Assert.Equal(left, read.Left);
        Assert.Equal(right, read.Right);
        Assert.Equal(PathCodec.Encode(target), PathCodec.Encode(read.Left.LinkTarget!));
    }

    // Lone surrogates do not survive xUnit's discovery serialization, so this data is only
    // enumerated when the test runs.
    public static TheoryData<string> OddPaths() =>
    [
        "line\nbreak",
        "with:colon",
        "-leading-dash",
        "bad\uDCFF",
        "\uDC80\uDCC3 escapes/inside\uDCA9dir/x",
        new string('n', 255),
        "dir/" + new string('\u00E9', 127) + "x",
        "emoji \U0001F600/\U0001F480\uDC80",
        " space /tab\t/.hidden/..dots",
        "\u4E2D\u6587/\uFFFD/\uE000",
    ];

    [Theory]
    [MemberData(nameof(OddPaths), DisableDiscoveryEnumeration = true)]
    public void Put_OddPath_RoundTripsExactly(string path)
    {
        // Arrange
        using var index = _temp.Open();
        var entry = FileEntry(path);

        // Act
        index.Put(entry);
        var got = index.Get(path);
        var walked = Assert.Single(index.Enumerate());

        // Assert
        Assert.Equal(entry, got);
        Assert.Equal(path, walked.Path, StringComparer.Ordinal);
        Assert.Equal(PathCodec.Encode(path), PathCodec.Encode(walked.Path));
    }

    [Fact]
    public void Get_MissingPath_ReturnsNull()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(FileEntry("a"));

        // Act
        var got = index.Get("b");

        // Assert
        Assert.Null(got);
    }

    [Fact]
    public void Put_ExistingPath_ReplacesEntry()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(FileEntry("a", size: 1));

        // Act
        index.Put(FileEntry("a", size: 2));

        // Assert
        Assert.Equal(2, index.Get("a")!.Left.Size);
        Assert.Equal(1, index.Count());
    }

    [Fact]
    public void Put_MismatchedKinds_Throws()
    {
        // Arrange
        using var index = _temp.Open();
        var entry = new IndexEntry("a", FileSide(1, 1), DirSide());

        // Act + Assert
        Assert.Throws<ArgumentException>(() => index.Put(entry));
        Assert.Equal(0, index.Count());
    }

    [Fact]
    public void Put_AbsentSide_Throws()
    {
        // Arrange
        using var index = _temp.Open();
        var entry = new IndexEntry("a", FileState.Absent, FileState.Absent);

        // Act + Assert
        Assert.Throws<ArgumentException>(() => index.Put(entry));
    }

    [Fact]
    public void Put_FileSizesDiffer_Throws()
    {
        // Arrange
        using var index = _temp.Open();
        var entry = new IndexEntry("a", FileSide(1, 1), FileSide(2, 1));

        // Act + Assert
        Assert.Throws<ArgumentException>(() => index.Put(entry));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs")]
    [InlineData("dir/")]
    [InlineData("a//b")]
    [InlineData("nul\0byte")]
    public void Put_NotARelativePath_Throws(string path)
    {
        // Arrange
        using var index = _temp.Open();

        // Act + Assert
        Assert.Throws<ArgumentException>(() => index.Put(FileEntry(path)));
    }

    [Fact]
    public void Remove_Path_RemovesOnlyThatRow()
    {
        // Arrange
        using var index = _temp.Open();
        index.Put(DirEntry("a"));
        index.Put(FileEntry("a/x"));

        // Act
        var removed = index.Remove("a");
        var again = index.Remove("a");

        // Assert
        Assert.True(removed);
        Assert.False(again);
        Assert.Null(index.Get("a"));
        Assert.NotNull(index.Get("a/x"));
    }

    [Fact]
    public void Open_Reopened_KeepsEntriesAndMeta()
    {
        // Arrange
        using (var index = _temp.Open())
        {
            index.Put(FileEntry("kept\uDCFF"));
            index.SetMeta("last-reconcile", "2025-01-01T00:00:00Z");
        }

        // Act
        using var reopened = _temp.Open();

        // Assert
        Assert.Equal(FileEntry("kept\uDCFF"), reopened.Get("kept\uDCFF"));
        Assert.Equal("2025-01-01T00:00:00Z", reopened.GetMeta("last-reconcile"));
        Assert.Null(reopened.GetMeta("missing"));
    }

    [Fact]
    public void Open_MissingFolder_CreatesFolderAndFile()
    {
        // Arrange
        var folder = Path.GetDirectoryName(_temp.DatabasePath)!;

        // Act
        using var index = _temp.Open();

        // Assert
        Assert.True(Directory.Exists(folder));
        Assert.True(System.IO.File.Exists(_temp.DatabasePath));
        Assert.Equal(0, index.Count());
    }

    [Fact]
    public void Open_NewFile_UsesWriteAheadLog()
    {
        // Arrange
        _temp.Open().Dispose();
        using var raw = new SqliteConnection($"Data Source={_temp.DatabasePath};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        // Act
        var mode = command.ExecuteScalar() as string;

        // Assert
        Assert.Equal("wal", mode);
    }

    [Fact]
    public void Open_UnknownSchemaVersion_Throws()
    {
        // Arrange
        _temp.Open().Dispose();
        using (var raw = new SqliteConnection($"Data Source={_temp.DatabasePath};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE meta SET value = '99' WHERE key = 'schema_version'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        // Act
        var error = Assert.Throws<NotSupportedException>(_temp.Open);

        // Assert
        Assert.Contains("'99'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Version1Index_UpgradedWithOwnersNotKnown()
    {
        // Arrange: an index as version 1 wrote it, without owner columns.
        Directory.CreateDirectory(Path.GetDirectoryName(_temp.DatabasePath)!);
        using (var raw = new SqliteConnection($"Data Source={_temp.DatabasePath};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE entries (path BLOB PRIMARY KEY NOT NULL, kind INTEGER NOT NULL, size INTEGER NOT NULL, link_target BLOB,
                    l_mtime_ns INTEGER NOT NULL, l_mode INTEGER NOT NULL, l_ino INTEGER NOT NULL, l_ctime_ns INTEGER NOT NULL,
                    r_mtime_ns INTEGER NOT NULL, r_mode INTEGER NOT NULL, r_ino INTEGER NOT NULL, r_ctime_ns INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO meta VALUES ('schema_version', '1');
                INSERT INTO entries VALUES (X'612E747874', 1, 5, NULL, 10, 420, 7, 11, 10, 420, 8, 12);
                """;
            command.ExecuteNonQuery();
        }

        // Act
        using var index = _temp.Open();

        // Assert: the entry reads back, its owners unknown, so no owner counts as a change.
        var entry = Assert.IsType<IndexEntry>(index.Get("a.txt"));
        Assert.Equal((FileState.NoOwner, FileState.NoOwner, 5L), (entry.Left.Uid, entry.Right.Gid, entry.Left.Size));
        Assert.True(entry.Left.SameOwner(entry.Left with { Uid = 1000, Gid = 1000 }));
        Assert.Equal("3", index.GetMeta("schema_version"));
        // The totals table is filled from what the old file held.
        Assert.Equal(new TreeTotals(1, 0, 0, 5), index.Totals());
    }

    [Fact]
    public void Open_ForeignSqliteFile_Throws()
    {
        // Arrange
        Directory.CreateDirectory(Path.GetDirectoryName(_temp.DatabasePath)!);
        using (var raw = new SqliteConnection($"Data Source={_temp.DatabasePath};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "CREATE TABLE something (x)";
            command.ExecuteNonQuery();
        }

        // Act + Assert
        Assert.Throws<InvalidDataException>(_temp.Open);
    }

    [Fact]
    public void SetMeta_SchemaVersionKey_Throws()
    {
        // Arrange
        using var index = _temp.Open();

        // Act + Assert
        Assert.Throws<ArgumentException>(() => index.SetMeta("schema_version", "2"));
        Assert.Equal("3", index.GetMeta("schema_version"));
    }

    [Fact]
    public void Dispose_Index_LaterCallsThrowObjectDisposed()
    {
        // Arrange
        var index = _temp.Open();

        // Act
        index.Dispose();

        // Assert
        Assert.Throws<ObjectDisposedException>(() => index.Get("a"));
        Assert.Throws<ObjectDisposedException>(() => index.Enumerate());
    }
}
