using System.Globalization;
using Psync.Engine.Transfer;
using Psync.Protocol;

namespace Psync.Engine;

/// <summary>
/// Everything that defines one sync pair and how it behaves. psync's command-line options and the
/// web app's pair fields map onto these; the defaults, the limits and <see cref="Validate"/> here
/// are the only ones (the CLI, the API and the form ask them).
/// </summary>
public sealed record PairOptions
{
    /// <summary>The default <see cref="DeleteHold"/>.</summary>
    public static readonly TimeSpan DefaultDeleteHold = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest <see cref="DeleteHold"/>, in milliseconds (a constant, for the API's schema).</summary>
    public const int MaxDeleteHoldMilliseconds = 3_600_000;

    /// <summary>The longest <see cref="TrashRetention"/>, in days (a constant, for the API's schema).</summary>
    public const int MaxTrashRetentionDays = 36_500;

    /// <summary>The longest <see cref="DeleteHold"/>.</summary>
    public static readonly TimeSpan MaxDeleteHold = TimeSpan.FromMilliseconds(MaxDeleteHoldMilliseconds);

    /// <summary>The default <see cref="TrashRetention"/>.</summary>
    public static readonly TimeSpan DefaultTrashRetention = TimeSpan.FromDays(30);

    /// <summary>The longest <see cref="TrashRetention"/>.</summary>
    public static readonly TimeSpan MaxTrashRetention = TimeSpan.FromDays(MaxTrashRetentionDays);

    /// <summary>The default <see cref="MaxDeleteShare"/>.</summary>
    public const double DefaultMaxDeleteShare = 0.5;

    /// <summary>The highest <see cref="BandwidthLimit"/> and window rate, in KiB/s (about 10 GB/s).</summary>
    public const int MaxBandwidthLimit = 10_000_000;

    /// <summary>The most <see cref="BandwidthWindows"/> a pair has.</summary>
    public const int MaxBandwidthWindows = 24;

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

    /// <summary>psync --mode: which way the pair syncs (<see cref="SyncMode.TwoWay"/> by default).</summary>
    public SyncMode Mode { get; init; } = SyncMode.TwoWay;

    /// <summary>psync --conflicts: how a two-way pair settles a file both sides changed (<see cref="ConflictPolicy.Ask"/>, a person, by default).</summary>
    public ConflictPolicy Conflicts { get; init; } = ConflictPolicy.Ask;

    /// <summary>psync -n: plan and log, change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>psync -f: a directory deleted on one side is removed on the other even when it still holds files there (they go to the trash).</summary>
    public bool Force { get; init; }

    /// <summary>psync -k: trust that the trees are in sync and skip the reconcile at start.</summary>
    public bool SkipInitialSync { get; init; }

    /// <summary>
    /// A file is on disk before it is committed, and the commit before the index records it
    /// (<c>syncfs</c> before and after each batch's commits and after each group of operations).
    /// Off, a power loss soon after a commit can leave an empty or torn file that the next reconcile
    /// takes for someone's edit. On by default.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>
    /// Which extended attributes and ACLs the pair keeps (psync -X and -A, rsync's own): read into
    /// each state's digest, so a change of only them is seen and applied, and carried by rsync with
    /// the files it sends. None by default.
    /// </summary>
    public XattrScope Xattrs { get; init; }

    /// <summary>How long deletes and moves wait, so an editor's save dance arrives as one modification.</summary>
    public TimeSpan DeleteHold { get; init; } = DefaultDeleteHold;

    /// <summary>How often both trees are scanned and merged with the index, whatever the events said.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A reconcile merges the trees this many entries a side at a time, and syncs what a page adds
    /// or changes before it reads the next, so memory stays bounded however big the trees are.
    /// </summary>
    public int ReconcilePage { get; init; } = 20_000;

    /// <summary>
    /// One rsync run sends at most this many entries (a new folder is never split); a bigger batch
    /// runs as several, and each run's commits overlap the next run's transfer.
    /// </summary>
    public int TransferRun { get; init; } = 10_000;

    /// <summary>
    /// How many rsync runs of a batch stage at a time (a big batch is shared between them): one
    /// rsync keeps about one core busy, and a burst or a first sync is faster with another beside
    /// it. A bandwidth limit (the pair's, or <c>--bwlimit</c> among the rsync options) is per rsync,
    /// so a limited pair runs one at a time.
    /// </summary>
    public int TransferStreams { get; init; } = 2;

    /// <summary>How long deleted and replaced versions stay in <c>.psync/trash/</c> on each side.</summary>
    public TimeSpan TrashRetention { get; init; } = DefaultTrashRetention;

    /// <summary>A plan that would delete more than this share of the known tree pauses for confirmation…</summary>
    public double MaxDeleteShare { get; init; } = DefaultMaxDeleteShare;

    /// <summary>…when it deletes at least this many paths.</summary>
    public int MinDeletesGuarded { get; init; } = 100;

    /// <summary>rsync's <c>--bwlimit</c> for every batch, in KiB/s; 0 (the default) is no limit. Outside every <see cref="BandwidthWindows"/> this applies.</summary>
    public int BandwidthLimit { get; init; }

    /// <summary>
    /// Times of day (the appliance's local time) with a rate of their own: <c>HH:MM-HH:MM=RATE</c>, RATE
    /// in KiB/s (<c>0</c> or <c>unlimited</c>: no limit) or <c>off</c> (changes are collected, nothing
    /// syncs until the window ends). A window may wrap past midnight; windows must not overlap. A new
    /// rate applies from the next plan's rsync batches (a batch in flight keeps its rate); see <see cref="BandwidthSchedule"/>.
    /// </summary>
    public IReadOnlyList<string> BandwidthWindows { get; init; } = [];

    /// <summary>Where psync-agent is; null finds it (PSYNC_AGENT, then next to the program).</summary>
    public string? AgentPath { get; init; }

    /// <summary>
    /// What is wrong with these options, by property name (<c>nameof(DeleteHold)</c>, ...), in sentences
    /// for the user; empty when nothing is. Patterns follow <see cref="PathPatterns"/>, rsync options <see cref="RsyncExtraPolicy"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }

        if (!Enum.IsDefined(Mode))
        {
            Add(nameof(Mode), SyncModes.Invalid);
        }
        if (!Enum.IsDefined(Conflicts))
        {
            Add(nameof(Conflicts), ConflictPolicies.Invalid);
        }
        else if (Conflicts != ConflictPolicy.Ask && Mode != SyncMode.TwoWay)
        {
            Add(nameof(Conflicts), ConflictPolicies.OnlyTwoWay);
        }
        if (DeleteHold < TimeSpan.Zero || DeleteHold > MaxDeleteHold)
        {
            Add(nameof(DeleteHold), string.Create(CultureInfo.InvariantCulture, $"The hold is 0 to {MaxDeleteHold.TotalMilliseconds:0} ms."));
        }
        if (TrashRetention < TimeSpan.Zero || TrashRetention > MaxTrashRetention)
        {
            Add(nameof(TrashRetention), string.Create(CultureInfo.InvariantCulture, $"Trash is kept 0 to {MaxTrashRetention.TotalDays:0} days."));
        }
        if (TransferRun < 1)
        {
            Add(nameof(TransferRun), "An rsync run sends at least one entry.");
        }
        if (TransferStreams is < 1 or > 16)
        {
            Add(nameof(TransferStreams), "1 to 16 rsync runs at a time.");
        }
        if (double.IsNaN(MaxDeleteShare) || MaxDeleteShare is <= 0 or > 1)
        {
            Add(nameof(MaxDeleteShare), "The delete share is more than 0 and at most 1.");
        }
        foreach (var (field, patterns) in new[] { (nameof(Excludes), Excludes), (nameof(Tempfiles), Tempfiles) })
        {
            foreach (var pattern in patterns)
            {
                if (PathPatterns.Problem(pattern) is { } problem)
                {
                    Add(field, Sentence(problem));
                }
            }
        }
        foreach (var arg in RsyncExtra)
        {
            if (string.IsNullOrEmpty(arg) || arg.Contains('\0', StringComparison.Ordinal))
            {
                Add(nameof(RsyncExtra), "An rsync argument is empty or holds a NUL.");
            }
            else if (RsyncExtraPolicy.Refusal(arg) is { } reason)
            {
                Add(nameof(RsyncExtra), Sentence(reason));
            }
        }
        var (limit, windows) = BandwidthSchedule.Problems(BandwidthLimit, BandwidthWindows);
        foreach (var problem in limit)
        {
            Add(nameof(BandwidthLimit), problem);
        }
        foreach (var problem in windows)
        {
            Add(nameof(BandwidthWindows), problem);
        }
        if ((BandwidthLimit != 0 || BandwidthWindows.Count > 0) && RsyncExtra.Any(a => a.StartsWith("--bwlimit", StringComparison.Ordinal)))
        {
            Add(nameof(BandwidthLimit), "The rsync options set --bwlimit too: give the limit in one place.");
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static string Sentence(string text) => char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? "" : ".");
}
