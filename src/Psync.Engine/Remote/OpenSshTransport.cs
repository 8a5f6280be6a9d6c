using System.Globalization;
using System.Text;

namespace Psync.Engine.Remote;

/// <summary>
/// The OpenSSH client options for rsync's data transport to the right host: the pair's key only,
/// the pinned host key only (<see cref="KnownHosts.WriteOpenSshKnownHosts"/>), no prompts, and one
/// multiplexed master connection (ControlMaster/ControlPersist) in a private folder, so a batch
/// costs a channel, not a handshake. No user ssh config is read, so ssh reaches exactly the host
/// SSH.NET checked.
/// </summary>
/// <param name="Address">The right host.</param>
/// <param name="IdentityFile">The private key (it must not need a passphrase: ssh runs without a terminal), or with
/// <see cref="IdentityAgent"/> the public key that picks the agent's key to offer; null offers every key of the agent.</param>
/// <param name="KnownHostsFile">An OpenSSH known_hosts file holding the pinned key.</param>
/// <param name="ControlDirectory">A private folder (mode 700) for the master's socket; short, as socket paths are limited to about 100 bytes.</param>
/// <param name="PinnedKeyType">The pinned key's type (e.g. ssh-ed25519), so ssh asks the host for exactly that key; null lets ssh choose.</param>
public sealed record OpenSshTransport(RemoteAddress Address, string? IdentityFile, string KnownHostsFile, string ControlDirectory, string? PinnedKeyType = null)
{
    /// <summary>An ssh-agent's socket to log in through (a pair's private agent holding a decrypted key, or the user's); null uses none.</summary>
    public string? IdentityAgent { get; init; }

    /// <summary>How long an idle master connection stays up.</summary>
    public TimeSpan ControlPersist { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Seconds between ssh's own keep-alives; three missed ones drop the connection.</summary>
    public TimeSpan ServerAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long ssh may take to connect.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The ssh program.</summary>
    public string SshProgram { get; init; } = "ssh";

    /// <summary>The ssh arguments before the destination host, one per element (for a process's argument list).</summary>
    /// <exception cref="ArgumentException">The control socket path would be too long.</exception>
    public IReadOnlyList<string> Arguments()
    {
        // %C is a 40-character hash; the socket path must fit in sun_path (108 bytes) with room for ssh's temporary suffix.
        if (Encoding.UTF8.GetByteCount(ControlDirectory) + 41 + 38 > 104)
        {
            throw new ArgumentException($"the control folder '{ControlDirectory}' is too long for a socket path: use a shorter one", nameof(ControlDirectory));
        }
        var args = new List<string>
        {
            "-F", "/dev/null",
            "-p", Address.Port.ToString(CultureInfo.InvariantCulture),
            "-l", Address.User,
            "-o", IdentityAgent is null ? "IdentityAgent=none" : $"IdentityAgent={ConfigWord(IdentityAgent)}",
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", $"UserKnownHostsFile={ConfigWord(KnownHostsFile)}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "UpdateHostKeys=no",
            "-o", "CheckHostIP=no",
            "-o", "ControlMaster=auto",
            "-o", $"ControlPath={ConfigWord(ControlDirectory, rawSuffix: "/%C")}",
            "-o", $"ControlPersist={Seconds(ControlPersist)}",
            "-o", $"ServerAliveInterval={Seconds(ServerAliveInterval)}",
            "-o", "ServerAliveCountMax=3",
            "-o", $"ConnectTimeout={Seconds(ConnectTimeout)}",
            "-o", "LogLevel=ERROR",
        };
        if (IdentityFile is not null)
        {
            // Not -i: ssh checks an -i path verbatim but loads it %-expanded, so a '%' in it can never work.
            args.AddRange(["-o", $"IdentityFile={ConfigWord(IdentityFile)}", "-o", "IdentitiesOnly=yes"]);
        }
        if (PinnedKeyType is not null)
        {
            args.Add("-o");
            args.Add($"HostKeyAlgorithms={HostKeyAlgorithms(PinnedKeyType)}");
        }
        return args;
    }

    /// <summary>The host as ssh's destination argument (after <see cref="Arguments"/>).</summary>
    public string Host => Address.Host;

    /// <summary>
    /// The value for <c>rsync -e</c>: ssh and its arguments, quoted for rsync's own splitting
    /// (rsync splits -e on spaces and honours single quotes, a doubled quote standing for one; it is not a shell).
    /// </summary>
    public string RsyncShell() => string.Join(' ', new[] { SshProgram }.Concat(Arguments()).Select(RsyncQuote));

    /// <summary>The remote side of an rsync argument: <c>host:path</c>, or <c>[v6]:path</c> (the user and port come from <see cref="RsyncShell"/>).</summary>
    public string RsyncRemote(string path) => $"{Address.HostForDisplay}:{path}";

    /// <summary>ssh arguments that open the master connection now (running <c>true</c> there), so the first transfer does not pay for the handshake.</summary>
    public IReadOnlyList<string> StartMasterArguments() => [.. Arguments(), Host, "true"];

    /// <summary>ssh arguments that ask the master connection to exit (<c>-O exit</c>): run when the pair stops.</summary>
    public IReadOnlyList<string> StopMasterArguments() => [.. Arguments(), "-O", "exit", Host];

    /// <summary>ssh arguments that check whether a master connection is up (<c>-O check</c>, exit status 0 when it is).</summary>
    public IReadOnlyList<string> CheckMasterArguments() => [.. Arguments(), "-O", "check", Host];

    /// <summary>One word for rsync's -e splitting: single-quoted, each single quote doubled.</summary>
    public static string RsyncQuote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("an argument cannot contain a NUL character", nameof(word));
        }
        return "'" + word.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// A path as ssh reads an option value: percent signs doubled (ssh expands %-tokens in paths),
    /// then in double quotes with backslash and double quote escaped (ssh splits values on spaces).
    /// <paramref name="rawSuffix"/> (e.g. <c>/%C</c>) is appended unescaped.
    /// </summary>
    private static string ConfigWord(string path, string rawSuffix = "")
    {
        var escaped = Escape(Path.GetFullPath(path).TrimEnd('/')) + rawSuffix;
        return "\"" + escaped.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Doubles percent signs, which ssh would expand as tokens in a file name.</summary>
    private static string Escape(string path) => path.Replace("%", "%%", StringComparison.Ordinal);

    private static string HostKeyAlgorithms(string keyType) =>
        keyType == "ssh-rsa" ? "rsa-sha2-512,rsa-sha2-256" : keyType;

    private static string Seconds(TimeSpan t) => Math.Max(1, (int)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
