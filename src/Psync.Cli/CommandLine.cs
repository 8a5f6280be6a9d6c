using Psync.Engine;
using Psync.Protocol;

namespace Psync.Cli;

/// <summary>Parses `psync [options] SRC DST`: psync's options, and the ones a user of a new tool expects.</summary>
internal static class CommandLine
{
    public static readonly OptionSpec Help = new('h', "help", false);
    public static readonly OptionSpec Version = new(null, "version", false);
    public static readonly OptionSpec RemoteHost = new('r', "remote-host", true);
    public static readonly OptionSpec Debug = new('d', "debug", true);
    public static readonly OptionSpec Tempfiles = new('t', "tempfiles", true);
    public static readonly OptionSpec Excludes = new('e', "excludes", true);
    public static readonly OptionSpec RsyncExcludes = new(null, "rsync-excludes", true);
    public static readonly OptionSpec Extra = new('x', "extra", true);
    public static readonly OptionSpec Banned = new('b', "banned", true);
    public static readonly OptionSpec Translate = new('T', "translate", true);
    public static readonly OptionSpec DryRun = new('n', "dry-run", false);
    public static readonly OptionSpec SyncOnly = new('s', "sync-only", false);
    public static readonly OptionSpec SkipInitialSync = new('k', "skip-initial-sync", false);
    public static readonly OptionSpec Force = new('f', "force", false);
    public static readonly OptionSpec Mode = new(null, "mode", true);
    public static readonly OptionSpec DataDir = new(null, "data-dir", true);
    public static readonly OptionSpec Hold = new(null, "hold", true);
    public static readonly OptionSpec TrashDays = new(null, "trash-days", true);
    public static readonly OptionSpec MaxDeleteShare = new(null, "max-delete-share", true);
    public static readonly OptionSpec Agent = new(null, "agent", true);
    public static readonly OptionSpec Identity = new('i', "identity", true);
    public static readonly OptionSpec AcceptHostKey = new(null, "accept-host-key", true);
    public static readonly OptionSpec SshAgent = new(null, "ssh-agent", false);
    public static readonly OptionSpec NoFsync = new(null, "no-fsync", false);
    public static readonly OptionSpec Xattrs = new('X', "xattrs", false);
    public static readonly OptionSpec Acls = new('A', "acls", false);
    public static readonly OptionSpec BwLimit = new(null, "bwlimit", true);
    public static readonly OptionSpec Window = new(null, "window", true);
    public static readonly OptionSpec Conflicts = new(null, "conflicts", true);

    public static readonly IReadOnlyList<OptionSpec> All =
    [
        Help, Version, RemoteHost, Debug, Tempfiles, Excludes, RsyncExcludes, Extra, Banned, Translate,
        DryRun, SyncOnly, SkipInitialSync, Force, Mode, DataDir, Hold, TrashDays, MaxDeleteShare, Agent, Identity, AcceptHostKey,
        SshAgent, NoFsync, Xattrs, Acls, BwLimit, Window, Conflicts,
    ];

    private static readonly OptionParser Parser = new(All);

    /// <summary>Parses <paramref name="args"/>; reads nothing but <paramref name="env"/> (the current process by default).</summary>
    public static ParseResult<CliOptions> Parse(IReadOnlyList<string> args, CliEnvironment? env = null)
    {
        env ??= CliEnvironment.Current;
        try
        {
            var parsed = Parser.Parse(args);
            if (parsed.Options.Any(o => o.Option == Help))
            {
                return new(CliAction.Help);
            }
            if (parsed.Options.Any(o => o.Option == Version))
            {
                return new(CliAction.Version);
            }
            return ParseResult<CliOptions>.Run(Build(parsed, env));
        }
        catch (UsageException e)
        {
            return ParseResult<CliOptions>.Fail(e.Message);
        }
    }

    private static CliOptions Build(ParsedArguments parsed, CliEnvironment env)
    {
        string? host = null, identity = null, dataDir = null, agent = null, acceptHostKey = null;
        PathTranslation? translation = null;
        var debug = 0;
        bool dryRun = false, syncOnly = false, skipInitial = false, force = false, sshAgent = false, noFsync = false;
        var xattrs = XattrScope.None;
        TimeSpan? hold = null;
        TimeSpan? trash = null;
        double? share = null;
        var mode = SyncMode.TwoWay;
        var conflicts = ConflictPolicy.Ask;
        var bwlimit = 0;
        var windows = new List<string>();
        var tempfiles = new List<string>();
        var excludes = new List<string>();
        var extra = new List<string>();
        var banned = new List<string>();
        foreach (var (option, value) in parsed.Options)
        {
            var v = value ?? "";
            switch (option)
            {
                case var o when o == RemoteHost: host = OptionValues.Host(o, v); break;
                case var o when o == Debug: debug = OptionValues.Integer(o, v, 0, 3); break;
                case var o when o == Tempfiles: tempfiles.Add(OptionValues.Regex(o, v)); break;
                case var o when o == Excludes: excludes.Add(OptionValues.Regex(o, v)); break;
                case var o when o == RsyncExcludes: excludes.Add(RsyncGlob.ToRegex(v)); break;
                case var o when o == Extra: extra.AddRange(RsyncExtra.Parse(v)); break;
                case var o when o == Banned: banned.Add(OptionValues.NotEmpty(o, v)); break;
                case var o when o == Translate: translation = PathTranslation.Parse(v); break;
                case var o when o == DryRun: dryRun = true; break;
                case var o when o == SyncOnly: syncOnly = true; break;
                case var o when o == SkipInitialSync: skipInitial = true; break;
                case var o when o == Force: force = true; break;
                case var o when o == NoFsync: noFsync = true; break;
                case var o when o == Xattrs: xattrs |= XattrScope.Xattrs; break;
                case var o when o == Acls: xattrs |= XattrScope.Acls; break;
                case var o when o == Mode: mode = OptionValues.Mode(o, v); break;
                case var o when o == DataDir: dataDir = env.Absolute(OptionValues.NotEmpty(o, v)); break;
                case var o when o == AcceptHostKey: acceptHostKey = OptionValues.NotEmpty(o, v); break;
                case var o when o == Hold: hold = TimeSpan.FromMilliseconds(Math.Clamp(OptionValues.WholeNumber(o, v), -1, long.MaxValue / TimeSpan.TicksPerMillisecond)); break;
                case var o when o == TrashDays: trash = TimeSpan.FromDays(Math.Clamp(OptionValues.WholeNumber(o, v), -1, TimeSpan.MaxValue.Days)); break;
                case var o when o == MaxDeleteShare: share = OptionValues.Number(o, v); break;
                case var o when o == Agent: agent = env.Absolute(OptionValues.NotEmpty(o, v)); break;
                case var o when o == Identity: identity = env.Absolute(OptionValues.NotEmpty(o, v)); break;
                case var o when o == SshAgent: sshAgent = true; break;
                case var o when o == BwLimit: bwlimit = (int)Math.Clamp(OptionValues.WholeNumber(o, v), -1, int.MaxValue); break;
                case var o when o == Window: windows.Add(v); break;
                case var o when o == Conflicts: conflicts = OptionValues.Policy(o, v); break;
                default: throw new UsageException($"option {option.Name} is not handled"); // a spec added to All but not here
            }
        }

        var (source, destination) = parsed.Positionals.Count switch
        {
            0 => throw new UsageException("missing SRC and DST"),
            1 => throw new UsageException("missing DST"),
            2 => (parsed.Positionals[0], parsed.Positionals[1]),
            _ => throw new UsageException($"too many arguments: '{parsed.Positionals[2]}' (SRC and DST only)"),
        };
        if (source.Length == 0 || destination.Length == 0)
        {
            throw new UsageException("SRC and DST must not be empty");
        }
        source = env.Absolute(source);
        destination = Destination(destination, host, env);
        string? translatedFrom = null;
        if (translation is not null)
        {
            translatedFrom = destination;
            destination = Destination(
                translation.Apply(destination) ?? throw new UsageException($"-T: DST '{destination}' does not start with '{translation.Old}'"),
                host,
                env);
        }
        var agentSocket = !sshAgent ? null
            : env.Variable("SSH_AUTH_SOCK") is { Length: > 0 } socket ? socket
            : throw new UsageException("--ssh-agent: SSH_AUTH_SOCK is not set (start ssh-agent and add your key with ssh-add)");
        if (host is null && PathsOverlap(source, destination))
        {
            throw new UsageException($"SRC '{source}' and DST '{destination}' overlap: one tree would sync into itself");
        }
        var options = new CliOptions
        {
            Source = source,
            Destination = destination,
            TranslatedFrom = translatedFrom,
            RemoteHost = host,
            Identity = identity,
            IdentityPassphrase = env.Variable("PSYNC_KEY_PASSPHRASE"),
            SshAgentSocket = agentSocket,
            DebugLevel = debug,
            Tempfiles = tempfiles,
            Excludes = excludes,
            RsyncExtra = extra,
            Banned = banned,
            DryRun = dryRun,
            SyncOnly = syncOnly,
            SkipInitialSync = skipInitial,
            Force = force,
            Durable = !noFsync,
            Xattrs = xattrs,
            Mode = mode,
            Conflicts = conflicts,
            DataDir = dataDir ?? DataDirectory.ForPair(env, source, host, destination),
            DeleteHold = hold,
            TrashRetention = trash,
            AcceptHostKey = acceptHostKey,
            MaxDeleteShare = share,
            AgentPath = agent,
            BandwidthLimit = bwlimit,
            BandwidthWindows = windows,
        };
        // The limits are the engine's, so psync and the web app refuse the same values with the same words.
        if (options.ToPairOptions().Validate().FirstOrDefault() is { Key: var field, Value: [var problem, ..] })
        {
            throw new UsageException($"option {OptionOf(field).Name}: {problem}");
        }
        return options;
    }

    private static OptionSpec OptionOf(string pairOption) => pairOption switch
    {
        nameof(PairOptions.Mode) => Mode,
        nameof(PairOptions.Conflicts) => Conflicts,
        nameof(PairOptions.DeleteHold) => Hold,
        nameof(PairOptions.TrashRetention) => TrashDays,
        nameof(PairOptions.MaxDeleteShare) => MaxDeleteShare,
        nameof(PairOptions.Excludes) => Excludes,
        nameof(PairOptions.Tempfiles) => Tempfiles,
        nameof(PairOptions.RsyncExtra) => Extra,
        nameof(PairOptions.BandwidthLimit) => BwLimit,
        nameof(PairOptions.BandwidthWindows) => Window,
        _ => throw new ArgumentOutOfRangeException(nameof(pairOption), pairOption, "a pair option without a psync option"),
    };

    /// <summary>A local DST is made absolute; a remote one is normalized when absolute, else left for the remote side (relative to its home).</summary>
    private static string Destination(string path, string? host, CliEnvironment env) =>
        host is null ? env.Absolute(path) : Path.IsPathRooted(path) ? Path.GetFullPath(path) : path;

    private static bool PathsOverlap(string a, string b) =>
        PathOrder.IsSameOrBelow(a, b) || PathOrder.IsSameOrBelow(b, a)
        || a == "/" || b == "/";
}
