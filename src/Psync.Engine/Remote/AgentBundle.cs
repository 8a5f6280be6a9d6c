using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Psync.Engine.Remote;

/// <summary>The files uploaded to a right host of one runtime: <c>psync-agent</c> and <c>cinotify</c>, both static programs for its CPU.</summary>
/// <param name="Runtime">linux-x64 or linux-arm64.</param>
/// <param name="AgentPath">The local psync-agent binary.</param>
/// <param name="CinotifyPath">The local cinotify binary.</param>
public sealed record AgentBundle(string Runtime, string AgentPath, string CinotifyPath);

/// <summary>
/// The agents this installation can upload, one <see cref="AgentBundle"/> per runtime, all of one
/// version: the folder <c>scripts/publish-agent.sh</c> writes (<c>RID/psync-agent</c>, <c>RID/cinotify</c>).
/// Only fully static programs count, so a right host needs neither .NET nor a particular libc.
/// </summary>
public sealed class AgentBundles
{
    /// <summary>The runtimes Psync builds agents for, with the CPU (as <c>uname -m</c> names it) each runs on.</summary>
    public static readonly IReadOnlyDictionary<string, string> Machines = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["linux-x64"] = "x86_64",
        ["linux-arm64"] = "aarch64",
    };

    private const string AgentName = "psync-agent";
    private const string CinotifyName = "cinotify";

    private AgentBundles(string version, IReadOnlyList<AgentBundle> bundles)
    {
        Version = version;
        All = bundles;
    }

    /// <summary>What <c>psync-agent --version</c> prints: names the remote folder and is compared with what is installed there.</summary>
    public string Version { get; }

    /// <summary>The bundles found, one per runtime.</summary>
    public IReadOnlyList<AgentBundle> All { get; }

    /// <summary>This machine's runtime.</summary>
    public static string HostRuntime => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>
    /// The agent program for a local side: <paramref name="path"/> itself, or when it names a folder of
    /// bundles (<c>artifacts/agent</c>), the host's runtime's agent in it.
    /// </summary>
    public static string LocalAgent(string path) =>
        Directory.Exists(path) ? Path.Combine(path, HostRuntime, AgentName) : path;

    /// <summary>The runtime for a host's <c>uname -m</c>, or null when Psync has no agent for that CPU.</summary>
    public static string? RuntimeOf(string machine) => machine switch
    {
        "x86_64" or "amd64" => "linux-x64",
        "aarch64" or "arm64" => "linux-arm64",
        _ => null,
    };

    /// <summary>The bundle for a host whose <c>uname -m</c> is <paramref name="machine"/>.</summary>
    /// <exception cref="DeployException">No agent is built for that CPU, here or at all.</exception>
    public AgentBundle For(string machine, string host)
    {
        var runtime = RuntimeOf(machine)
            ?? throw new DeployException($"{host} runs on {machine}: Psync has agents for {Describe(Machines.Keys)} only");
        return All.FirstOrDefault(b => b.Runtime == runtime)
            ?? throw new DeployException($"{host} runs on {machine} ({runtime}), but this installation has agents for {Describe(All.Select(b => b.Runtime))} only: run scripts/publish-agent.sh, which builds them all");
    }

    /// <summary>
    /// Finds the bundles that belong with the local agent <paramref name="agentPath"/> (a file, or a
    /// folder of bundles): the folder above it when it sits in a runtime's folder, else an
    /// <c>artifacts/agent</c> folder above it (where the build puts them), else the agent itself when it is static.
    /// </summary>
    /// <exception cref="DeployException">No static agent was found, or one found is not static or not for its runtime's CPU.</exception>
    public static async Task<AgentBundles> LocateAsync(string agentPath, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentPath);
        var agent = Path.GetFullPath(LocalAgent(agentPath));
        var tried = new List<string>();
        foreach (var folder in CandidateFolders(agent))
        {
            var bundles = Machines.Keys
                .Where(runtime => File.Exists(Path.Combine(folder, runtime, AgentName)))
                .Select(runtime => Checked(runtime, Path.Combine(folder, runtime)))
                .ToList();
            if (bundles.Count > 0)
            {
                var own = bundles.FirstOrDefault(b => b.Runtime == HostRuntime)?.AgentPath ?? agent;
                return new AgentBundles(await VersionAsync(own, ct).ConfigureAwait(false), bundles);
            }
            tried.Add(folder);
        }
        var elf = File.Exists(agent) ? ElfFile.Read(agent) : null;
        if (elf is { IsStatic: true } && RuntimeOf(elf.Machine) is { } runtimeOfAgent)
        {
            var bundle = Checked(runtimeOfAgent, Path.GetDirectoryName(agent)!);
            return new AgentBundles(await VersionAsync(bundle.AgentPath, ct).ConfigureAwait(false), [bundle]);
        }
        var what = !File.Exists(agent) ? "does not exist"
            : File.Exists(Path.ChangeExtension(agent, ".dll")) ? "is a framework-dependent build (it needs .NET on the host)"
            : elf is null ? "is not a 64-bit Linux program"
            : $"is dynamically linked (it needs {elf.Interpreter} and the host's libc)";
        throw new DeployException(
            $"no agent to upload to a right host: {agent} {what}, and no static agents were found in {string.Join(" or ", tried)}. "
            + "Run scripts/publish-agent.sh (scripts/build.sh runs it) and give its output folder as --agent or PSYNC_AGENT (artifacts/agent)");
    }

    private static IEnumerable<string> CandidateFolders(string agent)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var folder = Path.GetDirectoryName(agent)!;
        if (Machines.ContainsKey(Path.GetFileName(folder)) && Path.GetDirectoryName(folder) is { } above && seen.Add(above))
        {
            yield return above;
        }
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            var artifacts = Path.Combine(dir.FullName, "artifacts", "agent");
            if (Directory.Exists(artifacts) && seen.Add(artifacts))
            {
                yield return artifacts;
            }
        }
    }

    /// <summary>The bundle in <paramref name="folder"/>, after checking both programs are static and for <paramref name="runtime"/>'s CPU.</summary>
    private static AgentBundle Checked(string runtime, string folder)
    {
        var bundle = new AgentBundle(runtime, Path.Combine(folder, AgentName), Path.Combine(folder, CinotifyName));
        foreach (var file in new[] { bundle.AgentPath, bundle.CinotifyPath })
        {
            var elf = File.Exists(file) ? ElfFile.Read(file) : null;
            var problem = !File.Exists(file) ? "is missing (the agent and cinotify are uploaded together)"
                : elf is null ? "is not a 64-bit Linux program"
                : elf.Machine != Machines[runtime] ? $"is built for {elf.Machine}, not {Machines[runtime]}"
                : !elf.IsStatic ? $"is dynamically linked (it needs {elf.Interpreter}), so it would not run on every right host"
                : null;
            if (problem is not null)
            {
                throw new DeployException($"{file} {problem}: rebuild the agents with scripts/publish-agent.sh");
            }
        }
        return bundle;
    }

    private static async Task<string> VersionAsync(string agent, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(agent) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--version");
        using var process = Process.Start(psi) ?? throw new DeployException($"cannot start {agent}");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var version = (await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false)).Trim();
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0 || version.Length == 0 || version.Contains('\n', StringComparison.Ordinal) || version.Contains('/', StringComparison.Ordinal))
        {
            throw new DeployException($"{agent} --version did not print a version (exit {process.ExitCode}): {(await stderr.ConfigureAwait(false)).Trim()}");
        }
        return version;
    }

    private static string Describe(IEnumerable<string> runtimes) =>
        string.Join(" and ", runtimes.Select(r => $"{Machines[r]} ({r})"));
}
