using System.Security.Cryptography;
using System.Text;

namespace Psync.Cli;

/// <summary>Where a pair's state index lives when --data-dir is not given.</summary>
internal static class DataDirectory
{
    /// <summary>$PSYNC_DATA, else $XDG_STATE_HOME/psync, else ~/.local/state/psync.</summary>
    public static string Base(CliEnvironment env)
    {
        if (env.Variable("PSYNC_DATA") is { Length: > 0 } data)
        {
            return env.Absolute(data);
        }
        if (env.Variable("XDG_STATE_HOME") is { Length: > 0 } state && Path.IsPathRooted(state))
        {
            return Path.Combine(state, "psync");
        }
        return Path.Combine(env.Home, ".local", "state", "psync");
    }

    /// <summary>
    /// The pair's own folder below <see cref="Base"/>: named from the SHA-256 of both roots and the
    /// host, so that two pairs never share an index and the same pair always finds its own.
    /// </summary>
    public static string ForPair(CliEnvironment env, string source, string? host, string destination) =>
        Path.Combine(Base(env), PairKey(source, host, destination));

    public static string PairKey(string source, string? host, string destination)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{source}\0{host}\0{destination}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
}
