namespace Psync.Engine;

/// <summary>Everything that defines one sync pair and how it behaves. psync's command-line options map onto these.</summary>
public sealed record PairOptions
{
    /// <summary>A name for logs and the default data folder.</summary>
    public string Name { get; init; } = "pair";

    /// <summary>The left tree (on this host).</summary>
    public required string LeftRoot { get; init; }

    /// <summary>The right tree (on this host, or on <see cref="RemoteHost"/>).</summary>
    public required string RightRoot { get; init; }

    /// <summary>[user@]host[:port] of the right side; null when both trees are local.</summary>
    public string? RemoteHost { get; init; }

    /// <summary>The SSH private key for <see cref="RemoteHost"/> (psync -i).</summary>
    public string? Identity { get; init; }

    /// <summary>The passphrase of <see cref="Identity"/> when it is protected by one: the key is then decrypted into an ssh-agent of the pair's own, never into a file.</summary>
    public string? IdentityPassphrase { get; init; }

    /// <summary>A running ssh-agent's socket (the user's SSH_AUTH_SOCK, psync --ssh-agent): log in with its keys; <see cref="Identity"/>, if given, picks which.</summary>
    public string? SshAgentSocket { get; init; }

    /// <summary>Trust the right host's key when its SHA-256 fingerprint is this one (the user checked it: psync --accept-host-key).</summary>
    public string? AcceptHostKey { get; init; }

    /// <summary>The pinned host keys; null keeps them in <see cref="DataDir"/>.</summary>
    public string? KnownHostsFile { get; init; }

    /// <summary>Where the state index and history live (one folder per pair).</summary>
    public required string DataDir { get; init; }

    /// <summary>psync -e: regexes searched in the relative path; matching paths (and what is below them) are not synced.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary>psync -t: tempfile regexes; a tempfile renamed to a real name syncs as that name.</summary>
    public IReadOnlyList<string> Tempfiles { get; init; } = [];

    /// <summary>psync -x: extra rsync arguments, passed as separate arguments, never through a shell.</summary>
    public IReadOnlyList<string> RsyncExtra { get; init; } = [];

    /// <summary>psync -n: plan and log, change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>psync -f: a directory deleted on one side is removed on the other even when it still holds files there (they go to the trash).</summary>
    public bool Force { get; init; }

    /// <summary>psync -k: trust that the trees are in sync and skip the reconcile at start.</summary>
    public bool SkipInitialSync { get; init; }

    /// <summary>How long deletes and moves wait, so an editor's save dance arrives as one modification.</summary>
    public TimeSpan DeleteHold { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often both trees are scanned and merged with the index, whatever the events said.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A reconcile merges the trees this many entries a side at a time, and syncs what a page adds
    /// or changes before it reads the next, so memory stays bounded however big the trees are.
    /// </summary>
    public int ReconcilePage { get; init; } = 20_000;

    /// <summary>How long deleted and replaced versions stay in <c>.psync/trash/</c> on each side.</summary>
    public TimeSpan TrashRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>A plan that would delete more than this share of the known tree pauses for confirmation…</summary>
    public double MaxDeleteShare { get; init; } = 0.5;

    /// <summary>…when it deletes at least this many paths.</summary>
    public int MinDeletesGuarded { get; init; } = 100;

    /// <summary>Where psync-agent is; null finds it (PSYNC_AGENT, then next to the program).</summary>
    public string? AgentPath { get; init; }
}
