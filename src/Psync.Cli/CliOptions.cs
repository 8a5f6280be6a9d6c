using Psync.Engine;
using Psync.Protocol;

namespace Psync.Cli;

/// <summary>Everything `psync [options] SRC DST` was told; <see cref="ToPairOptions"/> hands the engine its part.</summary>
internal sealed record CliOptions
{
    /// <summary>SRC, absolute.</summary>
    public required string Source { get; init; }

    /// <summary>DST, absolute (on <see cref="RemoteHost"/> when given), after -T.</summary>
    public required string Destination { get; init; }

    /// <summary>DST as it was before -T rewrote it; null without -T.</summary>
    public string? TranslatedFrom { get; init; }

    public string? RemoteHost { get; init; }

    /// <summary>-i: the SSH private key for <see cref="RemoteHost"/>.</summary>
    public string? Identity { get; init; }

    /// <summary>The passphrase of <see cref="Identity"/>: $PSYNC_KEY_PASSPHRASE, or asked at a terminal.</summary>
    public string? IdentityPassphrase { get; init; }

    /// <summary>--ssh-agent: $SSH_AUTH_SOCK, the user's ssh-agent to log in with.</summary>
    public string? SshAgentSocket { get; init; }

    /// <summary>-d: 0 warnings and errors, 1 info, 2 debug (event tracking), 3 trace.</summary>
    public int DebugLevel { get; init; }

    public IReadOnlyList<string> Tempfiles { get; init; } = [];

    /// <summary>-e regexes and the regexes made from --rsync-excludes, in the order given.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    public IReadOnlyList<string> RsyncExtra { get; init; } = [];

    /// <summary>-b: program names; psync exits while one of them runs.</summary>
    public IReadOnlyList<string> Banned { get; init; } = [];

    public bool DryRun { get; init; }

    public bool SyncOnly { get; init; }

    public bool SkipInitialSync { get; init; }

    public bool Force { get; init; }

    /// <summary>--no-fsync: commit without syncing staged data and renames to disk first.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>-X, -A: the extended attributes and ACLs the pair keeps.</summary>
    public XattrScope Xattrs { get; init; }

    /// <summary>--mode: which way the pair syncs.</summary>
    public SyncMode Mode { get; init; }

    /// <summary>--conflicts: how a two-way pair settles a file both sides changed.</summary>
    public ConflictPolicy Conflicts { get; init; }

    /// <summary>The pair's own data folder (--data-dir, or the default one for this pair).</summary>
    public required string DataDir { get; init; }

    /// <summary>--hold; null keeps the engine's default.</summary>
    public TimeSpan? DeleteHold { get; init; }

    /// <summary>--max-delete-share; null keeps the engine's default.</summary>
    public double? MaxDeleteShare { get; init; }

    public TimeSpan? TrashRetention { get; init; }

    public string? AcceptHostKey { get; init; }

    public string? AgentPath { get; init; }

    /// <summary>--bwlimit, KiB/s; 0 is none.</summary>
    public int BandwidthLimit { get; init; }

    /// <summary>--window HH:MM-HH:MM=RATE, in the order given.</summary>
    public IReadOnlyList<string> BandwidthWindows { get; init; } = [];

    public PairOptions ToPairOptions()
    {
        var options = new PairOptions
        {
            Name = Path.GetFileName(Source) is { Length: > 0 } name ? name : "root",
            LeftRoot = Source,
            RightRoot = Destination,
            RemoteHost = RemoteHost,
            DataDir = DataDir,
            Excludes = Excludes,
            Tempfiles = Tempfiles,
            RsyncExtra = RsyncExtra,
            DryRun = DryRun,
            Force = Force,
            Durable = Durable,
            Xattrs = Xattrs,
            Mode = Mode,
            Conflicts = Conflicts,
            SkipInitialSync = SkipInitialSync,
            AgentPath = AgentPath,
            Identity = Identity,
            IdentityPassphrase = IdentityPassphrase,
            SshAgentSocket = SshAgentSocket,
            AcceptHostKey = AcceptHostKey,
            BandwidthLimit = BandwidthLimit,
            BandwidthWindows = BandwidthWindows,
        };
        if (DeleteHold is { } hold)
        {
            options = options with { DeleteHold = hold };
        }
        if (TrashRetention is { } trash)
        {
            options = options with { TrashRetention = trash };
        }
        if (MaxDeleteShare is { } share)
        {
            options = options with { MaxDeleteShare = share };
        }
        return options;
    }
}
