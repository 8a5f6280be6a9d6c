namespace Psync.Web.Data;

/// <summary>Where the appliance keeps its database, keys and per-pair state: <c>--data-dir</c>, else <c>PSYNC_DATA</c>, else <c>./data</c>.</summary>
public sealed record DataFolder(string Path)
{
    public string Database => System.IO.Path.Combine(Path, "psync.db");

    /// <summary>The Data Protection key ring (it encrypts private keys at rest).</summary>
    public string Keys => System.IO.Path.Combine(Path, "keys");

    /// <summary>The certificate that encrypts the Data Protection key ring at rest (made at the first start; keep it with <see cref="Keys"/>).</summary>
    public string KeyRingCertificate => System.IO.Path.Combine(Path, "keyring.pfx");

    /// <summary>The self-signed HTTPS certificate made at the first start when no certificate is configured.</summary>
    public string Certificate => System.IO.Path.Combine(Path, "tls.pfx");

    /// <summary>The pinned host keys, shared by every remote pair.</summary>
    public string KnownHosts => System.IO.Path.Combine(Path, "known_hosts.psync");

    /// <summary>The state index and conflict store of one pair.</summary>
    public string ForPair(int id) => System.IO.Path.Combine(Path, "pairs", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Decrypted private keys while a pair runs (rsync's ssh needs a file); mode 0700, emptied at start.</summary>
    public string Secrets => System.IO.Path.Combine(Path, "run");

    public static DataFolder Resolve(IConfiguration configuration)
    {
        var path = configuration["data-dir"] ?? configuration["PSYNC_DATA"] ?? "data";
        return new DataFolder(System.IO.Path.GetFullPath(path));
    }

    /// <summary>
    /// Creates the folders and the database file, private to this user, and takes group and other
    /// access away from everything already in the folder (a folder made by hand, or by an older
    /// version, may be 0755 with a 0644 database). SQLite gives the WAL the database's mode.
    /// </summary>
    public void Create()
    {
        const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (var dir in new[] { Path, Keys, Secrets, System.IO.Path.Combine(Path, "pairs") })
        {
            Directory.CreateDirectory(dir, Owner);
        }
        if (!File.Exists(Database))
        {
            using var _ = new FileStream(Database, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        }
        File.SetUnixFileMode(Path, File.GetUnixFileMode(Path) & Owner | Owner);
        var entries = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path, "*", entries))
        {
            var mode = File.GetUnixFileMode(entry);
            if ((mode & ~Owner) != 0)
            {
                File.SetUnixFileMode(entry, mode & Owner);
            }
        }
    }
}
