using System.Globalization;

namespace Psync.Engine.Remote;

/// <summary>What a right host is and has, as <see cref="AgentDeployer.InspectAsync"/> found it.</summary>
public sealed record HostFacts
{
    /// <summary><c>uname -s</c>, e.g. Linux.</summary>
    public string Os { get; init; } = "?";

    /// <summary><c>uname -m</c>, e.g. x86_64 or aarch64.</summary>
    public string Machine { get; init; } = "?";

    /// <summary><c>uname -r</c>.</summary>
    public string Kernel { get; init; } = "?";

    /// <summary>The distribution's name (PRETTY_NAME of /etc/os-release), if it says.</summary>
    public string? Distribution { get; init; }

    /// <summary>The remote user's home folder.</summary>
    public string Home { get; init; } = "";

    /// <summary>rsync's version (e.g. 3.2.7); null when rsync is not installed.</summary>
    public string? RsyncVersion { get; init; }

    /// <summary><see cref="RsyncVersion"/> as a number, when it reads as one.</summary>
    public Version? RsyncVersionNumber =>
        RsyncVersion is null ? null
        : System.Version.TryParse(new string([.. RsyncVersion.TakeWhile(c => char.IsAsciiDigit(c) || c == '.')]).TrimEnd('.'), out var v) ? v : null;

    /// <summary>True when the kernel has inotify (/proc/sys/fs/inotify).</summary>
    public bool Inotify { get; init; }

    /// <summary>fs.inotify.max_user_watches, if readable.</summary>
    public long? InotifyWatches { get; init; }

    /// <summary>fs.inotify.max_user_instances.</summary>
    public long? InotifyInstances { get; init; }

    /// <summary>The root's state: writable, readonly, missing, notdir; null when none was asked about.</summary>
    public string? Root { get; init; }

    /// <summary>The folder agents are installed under (the first candidate programs may run from); null when none may.</summary>
    public string? AgentDirectory { get; init; }

    /// <summary>Candidate agent folders passed over because programs cannot run there.</summary>
    public IReadOnlyList<string> NoExec { get; init; } = [];

    /// <summary>Agents of this version already in <see cref="AgentDirectory"/>, by runtime, with what their --version printed.</summary>
    public IReadOnlyDictionary<string, string> InstalledAgents { get; init; } = new Dictionary<string, string>();

    /// <summary>Reads the probe's key=value lines.</summary>
    internal static HostFacts Parse(string output)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var noExec = new List<string>();
        var installed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var (key, value) = (line[..eq], line[(eq + 1)..]);
            if (key == "noexec")
            {
                noExec.Add(value);
            }
            else if (key.StartsWith("agent.", StringComparison.Ordinal))
            {
                installed[key["agent.".Length..]] = value;
            }
            else
            {
                values[key] = value;
            }
        }
        return new HostFacts
        {
            Os = values.GetValueOrDefault("os", "?"),
            Machine = values.GetValueOrDefault("arch", "?"),
            Kernel = values.GetValueOrDefault("kernel", "?"),
            Distribution = values.GetValueOrDefault("distro") is { Length: > 0 } distro ? distro : null,
            Home = values.GetValueOrDefault("home", ""),
            RsyncVersion = values.GetValueOrDefault("rsync") is { Length: > 0 } rsync ? RsyncWord(rsync) : null,
            Inotify = values.GetValueOrDefault("inotify") == "yes",
            InotifyWatches = Number(values.GetValueOrDefault("inotify.watches")),
            InotifyInstances = Number(values.GetValueOrDefault("inotify.instances")),
            Root = values.GetValueOrDefault("root"),
            AgentDirectory = values.GetValueOrDefault("dir"),
            NoExec = noExec,
            InstalledAgents = installed,
        };
    }

    /// <summary>"rsync  version 3.2.7  protocol version 31" → 3.2.7; anything else as it is.</summary>
    private static string RsyncWord(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 3 } && parts[1] == "version" ? parts[2] : line;
    }

    private static long? Number(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
