namespace Psync.Web.Data;

/// <summary>Where the appliance keeps its database, keys and per-pair state: <c>--data-dir</c>, else <c>PSYNC_DATA</c>, else <c>./data</c>.</summary>
public sealed record DataFolder(string Path)
{
    public string Database => System.IO.Path.Combine(Path, "psync.db");

    /// <summary>The Data Protection key ring (it encrypts private keys at rest).</summary>
    public string Keys => System.IO.Path.Combine(Path, "keys");

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

    /// <summary>Creates the folders, private to this user.</summary>
    public void Create()
    {
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (var dir in new[] { Path, Keys, Secrets, System.IO.Path.Combine(Path, "pairs") })
        {
            Directory.CreateDirectory(dir, Private);
        }
    }
}
