using Psync.Web.Data;

namespace Psync.Web.Tests.Api;

public sealed class DataFolderTests : IDisposable
{
    private const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerRw = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Open = Owner | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private readonly string _root = Directory.CreateTempSubdirectory("psync-datafolder-").FullName;

    [Fact]
    public void Create_FolderAndFilesExistedWorldReadable_0700And0600()
    {
        var path = Path.Combine(_root, "data");
        Directory.CreateDirectory(path, Open);
        Directory.CreateDirectory(Path.Combine(path, "keys"), Open);
        var files = new[] { "psync.db", "psync.db-wal", "known_hosts.psync", "tls.pfx", Path.Combine("keys", "key-1.xml") };
        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(path, file), "");
            File.SetUnixFileMode(Path.Combine(path, file), OwnerRw | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        new DataFolder(path).Create();

        Assert.Equal(Owner, File.GetUnixFileMode(path));
        Assert.Equal(Owner, File.GetUnixFileMode(Path.Combine(path, "keys")));
        Assert.All(files, f => Assert.Equal(OwnerRw, File.GetUnixFileMode(Path.Combine(path, f))));
    }

    [Fact]
    public void Create_NewFolder_DatabaseMade0600()
    {
        var folder = new DataFolder(Path.Combine(_root, "fresh"));

        folder.Create();

        Assert.Equal(Owner, File.GetUnixFileMode(folder.Path));
        Assert.Equal(OwnerRw, File.GetUnixFileMode(folder.Database));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
