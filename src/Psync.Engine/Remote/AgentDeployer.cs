using System.Globalization;
using System.Security.Cryptography;
using Renci.SshNet.Common;

namespace Psync.Engine.Remote;

/// <summary>
/// Puts the agent on the right host: checks the host in one round trip (CPU, rsync and its version,
/// inotify, the root, a folder it may run programs from), and unless the exact version is already
/// installed, uploads the static psync-agent and cinotify of the host's CPU over SFTP into
/// <c>&lt;base&gt;/&lt;version&gt;/&lt;runtime&gt;/</c> under temporary names, verifies their SHA-256 there,
/// marks them executable, renames them into place (cinotify first, so a runnable psync-agent
/// means both are there) and checks that the agent starts.
/// </summary>
public sealed class AgentDeployer
{
    /// <summary>Where agents live on the right host, one folder per version and runtime.</summary>
    public const string DefaultBaseDirectory = "~/.cache/psync/agent";

    /// <summary>The oldest rsync the options Psync passes need (<c>--info=progress2</c> came with 3.1.0).</summary>
    public static readonly Version MinimumRsync = new(3, 1, 0);

    private const string AgentName = "psync-agent";
    private const string CinotifyName = "cinotify";

    private readonly SshSession _session;
    private readonly AgentBundles _bundles;
    private readonly string _baseDirectory;

    /// <param name="session">The logged-in session.</param>
    /// <param name="bundles">The local agents, one per runtime, and their version.</param>
    /// <param name="baseDirectory">An absolute remote folder, or one under the remote home written <c>~/...</c>.
    /// When programs cannot run from it (a <c>noexec</c> mount), a private folder in /var/tmp or /dev/shm is used.</param>
    public AgentDeployer(SshSession session, AgentBundles bundles, string baseDirectory = DefaultBaseDirectory)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(bundles);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        if (!baseDirectory.StartsWith('/') && !baseDirectory.StartsWith("~/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"the agent folder '{baseDirectory}' must be absolute or start with ~/", nameof(baseDirectory));
        }
        _session = session;
        _bundles = bundles;
        _baseDirectory = baseDirectory.TrimEnd('/');
    }

    private string Host => _session.Address.HostForDisplay;

    /// <summary>What the host is and has, without changing anything there but creating the agent folder.</summary>
    /// <param name="root">A right tree to check; null checks none.</param>
    /// <param name="ct">Cancels the look.</param>
    /// <exception cref="RemoteException">The connection failed.</exception>
    public async Task<HostFacts> InspectAsync(string? root, CancellationToken ct = default)
    {
        var baseWord = _baseDirectory.StartsWith("~/", StringComparison.Ordinal)
            ? "\"$HOME\"/" + ShellQuote.Quote(_baseDirectory[2..])
            : ShellQuote.Quote(_baseDirectory);
        var script = $$"""
            root={{ShellQuote.Quote(root ?? "")}}
            version={{ShellQuote.Quote(_bundles.Version)}}
            printf 'os=%s\n' "$(uname -s)"
            printf 'arch=%s\n' "$(uname -m)"
            printf 'kernel=%s\n' "$(uname -r)"
            printf 'home=%s\n' "$HOME"
            if [ -r /etc/os-release ]; then printf 'distro=%s\n' "$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-$NAME}")"; fi
            if command -v rsync >/dev/null 2>&1; then printf 'rsync=%s\n' "$(rsync --version 2>/dev/null | head -n 1)"; fi
            if [ -d /proc/sys/fs/inotify ]; then
              echo inotify=yes
              printf 'inotify.watches=%s\n' "$(cat /proc/sys/fs/inotify/max_user_watches 2>/dev/null)"
              printf 'inotify.instances=%s\n' "$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null)"
            fi
            if [ -n "$root" ]; then
              if [ -d "$root" ]; then if [ -w "$root" ]; then echo root=writable; else echo root=readonly; fi; elif [ -e "$root" ]; then echo root=notdir; else echo root=missing; fi
            fi
            # The first folder a program may run from: a noexec home makes the agent live elsewhere.
            runs() {
              mkdir -p -m 700 -- "$1" 2>/dev/null && [ -w "$1" ] && [ -O "$1" ] || return 1
              t="$1/.psync-exec-$$"
              printf '#!/bin/sh\nexit 0\n' > "$t" 2>/dev/null && chmod 700 "$t" && "$t" 2>/dev/null; ok=$?
              rm -f "$t"
              return $ok
            }
            uid=$(id -u)
            for dir in {{baseWord}} "/var/tmp/psync-agent-$uid" "/dev/shm/psync-agent-$uid"; do
              if runs "$dir"; then
                printf 'dir=%s\n' "$dir"
                for agent in "$dir/$version"/*/{{AgentName}}; do
                  if [ -x "$agent" ] && [ -x "${agent%/*}/{{CinotifyName}}" ]; then
                    printf 'agent.%s=%s\n' "$(basename "${agent%/*}")" "$("$agent" --version 2>/dev/null | head -n 1)"
                  fi
                done
                break
              fi
              printf 'noexec=%s\n' "$dir"
            done
            """;
        var result = await RunScriptAsync(script, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new RemoteException($"cannot inspect {Host} (exit {result.ExitStatus}): {result.Error.Trim()}");
        }
        return HostFacts.Parse(result.Output);
    }

    /// <summary>Checks the host and the root, and installs the agent unless this exact version is there.</summary>
    /// <param name="root">The right tree, as the agent will get it (relative paths are relative to the remote home).</param>
    /// <param name="progress">Short lines for the user: what is checked, uploaded, skipped.</param>
    /// <param name="ct">Cancels the deployment; temporary files are removed.</param>
    /// <exception cref="DeployException">The host cannot run the agent (CPU, rsync, inotify, no folder to run it from, an agent that does not start): retrying will not help.</exception>
    /// <exception cref="RemoteException">The root is missing or not writable, or the connection or upload failed: worth retrying.</exception>
    public async Task<AgentDeployment> DeployAsync(string root, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        progress?.Report($"checking {Host}");
        var facts = await InspectAsync(root, ct).ConfigureAwait(false);
        var bundle = Check(facts, root);
        if (facts.NoExec.Count > 0)
        {
            progress?.Report($"{string.Join(" and ", facts.NoExec)} on {Host} cannot run programs (noexec): the agent goes to {facts.AgentDirectory}");
        }
        var directory = $"{facts.AgentDirectory}/{_bundles.Version}/{bundle.Runtime}";
        var agentPath = $"{directory}/{AgentName}";
        if (facts.InstalledAgents.GetValueOrDefault(bundle.Runtime) == _bundles.Version)
        {
            progress?.Report($"agent {_bundles.Version} ({bundle.Runtime}) already on {Host}");
            return new AgentDeployment(agentPath, false, bundle.Runtime, facts);
        }

        await UploadAsync(bundle, directory, progress, ct).ConfigureAwait(false);
        var started = await _session.RunAsync($"{ShellQuote.Quote(agentPath)} --version", ct).ConfigureAwait(false);
        if (!started.Succeeded || started.Output.Trim() != _bundles.Version)
        {
            throw new DeployException(DoesNotStart(agentPath, started));
        }
        progress?.Report($"agent {_bundles.Version} ({bundle.Runtime}) installed on {Host}");
        return new AgentDeployment(agentPath, true, bundle.Runtime, facts);
    }

    /// <summary>The bundle for the host, or the first clear reason the agent cannot work there.</summary>
    private AgentBundle Check(HostFacts facts, string root)
    {
        if (facts.Os != "Linux")
        {
            throw new DeployException($"{Host} runs {facts.Os}: the agent needs Linux");
        }
        var bundle = _bundles.For(facts.Machine, Host);
        if (facts.RsyncVersion is null)
        {
            throw new DeployException($"rsync is not installed on {Host}: install it there (e.g. apt-get install rsync, dnf install rsync)");
        }
        if (facts.RsyncVersionNumber is { } rsync && rsync < MinimumRsync)
        {
            throw new DeployException($"rsync {facts.RsyncVersion} on {Host} is too old: Psync needs rsync {MinimumRsync} or later");
        }
        if (!facts.Inotify)
        {
            throw new DeployException($"{Host} has no inotify (/proc/sys/fs/inotify is missing): the agent cannot watch the tree there");
        }
        if (facts.AgentDirectory is null)
        {
            throw new DeployException($"no folder on {Host} lets programs run (noexec: {string.Join(", ", facts.NoExec)}): the agent cannot be installed there");
        }
        switch (facts.Root)
        {
            case "writable":
                break;
            case "missing":
                throw new RemoteException($"the root {root} does not exist on {Host}");
            case "notdir":
                throw new RemoteException($"the root {root} on {Host} is not a directory");
            case "readonly":
                throw new RemoteException($"no write access to the root {root} on {Host} (as {_session.Address.User})");
            default:
                throw new RemoteException($"cannot tell whether the root {root} exists on {Host}");
        }
        return bundle;
    }

    private string DoesNotStart(string agentPath, RemoteCommandResult result)
    {
        var said = (result.Error + result.Output).Trim().ReplaceLineEndings(" ");
        if (said.Length > 300)
        {
            said = said[..300] + "…";
        }
        var how = result.ExitSignal is { } signal ? $"killed by signal {signal}"
            : result.Succeeded ? $"it reports version '{said}', not {_bundles.Version}"
            : $"exit {result.ExitStatus}";
        return $"the agent uploaded to {Host} does not start there ({how}){(said.Length > 0 && !result.Succeeded ? ": " + said : "")}. "
            + $"It is {agentPath}; nothing is retried until the host or the agent build changes";
    }

    private async Task UploadAsync(AgentBundle bundle, string directory, IProgress<string>? progress, CancellationToken ct)
    {
        var suffix = ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var shellDirectory = ShellQuote.Quote(directory);
        // cinotify first: the rename of psync-agent is what makes the folder count as installed.
        var files = new[]
        {
            (Name: CinotifyName, Local: bundle.CinotifyPath, Temp: CinotifyName + suffix),
            (Name: AgentName, Local: bundle.AgentPath, Temp: AgentName + suffix),
        };
        var mkdir = await RunScriptAsync($"mkdir -p -- {shellDirectory}", ct).ConfigureAwait(false);
        if (!mkdir.Succeeded)
        {
            throw new RemoteException($"cannot create {directory} on {Host}: {mkdir.Error.Trim()}");
        }
        try
        {
            var hashes = new List<string>();
            var sftp = await _session.ConnectSftpAsync(ct).ConfigureAwait(false);
            using (sftp)
            {
                foreach (var file in files)
                {
                    var stream = File.OpenRead(file.Local);
                    await using (stream.ConfigureAwait(false))
                    {
                        progress?.Report($"uploading {file.Name} ({bundle.Runtime}, {Size(stream.Length)}) to {Host}");
                        hashes.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false)));
                        stream.Position = 0;
                        await sftp.UploadFileAsync(stream, $"{directory}/{file.Temp}", ct).ConfigureAwait(false);
                    }
                }
            }
            progress?.Report($"verifying SHA-256 on {Host}");
            var script = $$"""
                set -e
                dir={{shellDirectory}}
                check() { h=$(sha256sum < "$dir/$1"); h=${h%% *}; if [ "$h" != "$2" ]; then printf 'checksum mismatch for %s: sent %s, found %s\n' "$1" "$2" "$h" >&2; exit 3; fi; }
                """ + "\n" + string.Concat(files.Select((f, i) => $"check {ShellQuote.Quote(f.Temp)} {ShellQuote.Quote(hashes[i])}\n"))
                + string.Concat(files.Select(f => $"chmod 755 -- \"$dir\"/{ShellQuote.Quote(f.Temp)}\n"))
                + string.Concat(files.Select(f => $"mv -f -- \"$dir\"/{ShellQuote.Quote(f.Temp)} \"$dir\"/{ShellQuote.Quote(f.Name)}\n"));
            var install = await RunScriptAsync(script, ct).ConfigureAwait(false);
            if (!install.Succeeded)
            {
                throw new RemoteException($"installing the agent on {Host} failed (exit {install.ExitStatus}): {install.Error.Trim()}");
            }
        }
        catch (Exception e) when (e is SshException or IOException)
        {
            await RemoveAsync(shellDirectory, files.Select(f => f.Temp)).ConfigureAwait(false);
            throw new RemoteException($"uploading the agent to {Host} failed: {e.Message}", e);
        }
        catch
        {
            await RemoveAsync(shellDirectory, files.Select(f => f.Temp)).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RemoveAsync(string shellDirectory, IEnumerable<string> names)
    {
        try
        {
            var words = string.Join(' ', names.Select(n => "\"$dir\"/" + ShellQuote.Quote(n)));
            await RunScriptAsync($"dir={shellDirectory}\nrm -f -- {words}", CancellationToken.None).ConfigureAwait(false);
        }
        catch (RemoteException)
        {
            // The connection is gone; a leftover temporary file is harmless (a random name, never run).
        }
    }

    private static string Size(long bytes) =>
        bytes < 1024 * 1024
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.#} MB");

    /// <summary>Runs a POSIX sh script whatever the user's login shell is.</summary>
    private Task<RemoteCommandResult> RunScriptAsync(string script, CancellationToken ct) =>
        _session.RunAsync("sh -c " + ShellQuote.Quote(script), ct);
}

/// <summary>What <see cref="AgentDeployer.DeployAsync"/> found and did.</summary>
/// <param name="AgentPath">The absolute remote path of psync-agent, for <see cref="RemoteAgent.StartAsync"/>.</param>
/// <param name="Uploaded">False when this exact version was already installed.</param>
/// <param name="Runtime">The runtime of the agent deployed, e.g. linux-arm64.</param>
/// <param name="Facts">What the host is and has.</param>
public sealed record AgentDeployment(string AgentPath, bool Uploaded, string Runtime, HostFacts Facts);
