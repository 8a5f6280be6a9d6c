using System.Globalization;
using System.Security.Cryptography;
using Renci.SshNet.Common;

namespace Psync.Engine.Remote;

/// <summary>
/// Puts the agent on the right host: checks the host (architecture, rsync, the root), and unless
/// the exact version is already installed, uploads psync-agent and cinotify over SFTP into
/// <c>&lt;base&gt;/&lt;version&gt;/</c> under temporary names, verifies their SHA-256 there, marks them
/// executable and renames them into place (cinotify first, so a runnable psync-agent means both are there).
/// </summary>
public sealed class AgentDeployer
{
    /// <summary>Where agents live on the right host, one folder per version.</summary>
    public const string DefaultBaseDirectory = "~/.cache/psync/agent";

    private const string AgentName = "psync-agent";
    private const string CinotifyName = "cinotify";

    private readonly SshSession _session;
    private readonly AgentBundle _bundle;
    private readonly string _baseDirectory;

    /// <param name="session">The logged-in session.</param>
    /// <param name="bundle">The local agent files and their version.</param>
    /// <param name="baseDirectory">An absolute remote folder, or one under the remote home written <c>~/...</c>.</param>
    public AgentDeployer(SshSession session, AgentBundle bundle, string baseDirectory = DefaultBaseDirectory)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        if (!baseDirectory.StartsWith('/') && !baseDirectory.StartsWith("~/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"the agent folder '{baseDirectory}' must be absolute or start with ~/", nameof(baseDirectory));
        }
        _session = session;
        _bundle = bundle;
        _baseDirectory = baseDirectory.TrimEnd('/');
    }

    private string Host => _session.Address.HostForDisplay;

    /// <summary>The version's folder as written for the remote shell.</summary>
    private string ShellDirectory => ShellQuote.Path($"{_baseDirectory}/{_bundle.Version}");

    /// <summary>Checks the host and the root, and installs the agent unless this exact version is there.</summary>
    /// <param name="root">The right tree, as the agent will get it (relative paths are relative to the remote home).</param>
    /// <param name="progress">Short lines for the user: what is checked, uploaded, skipped.</param>
    /// <param name="ct">Cancels the deployment; temporary files are removed.</param>
    /// <exception cref="RemoteException">The host lacks something (architecture, rsync, the root, write access) or the upload failed.</exception>
    public async Task<AgentDeployment> DeployAsync(string root, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        progress?.Report($"checking {Host}");
        var probe = await ProbeAsync(root, ct).ConfigureAwait(false);
        var home = probe.GetValueOrDefault("home", "");
        var directory = ResolveDirectory(home);
        var agentPath = $"{directory}/{AgentName}";
        var architecture = CheckHost(probe, root);
        var rsync = probe["rsync"];

        if (probe.GetValueOrDefault("agent") == _bundle.Version)
        {
            progress?.Report($"agent {_bundle.Version} already on {Host}");
            return new AgentDeployment(agentPath, false, architecture, rsync, home);
        }

        await UploadAsync(directory, progress, ct).ConfigureAwait(false);
        var installed = await _session.RunAsync($"{ShellQuote.Quote(agentPath)} --version", ct).ConfigureAwait(false);
        if (!installed.Succeeded || installed.Output.Trim() != _bundle.Version)
        {
            throw new RemoteException($"the agent uploaded to {Host} does not run there (exit {installed.ExitStatus}): {(installed.Error + installed.Output).Trim()}");
        }
        progress?.Report($"agent {_bundle.Version} installed on {Host}");
        return new AgentDeployment(agentPath, true, architecture, rsync, home);
    }

    /// <summary>One round trip that reports everything the checks need, as key=value lines.</summary>
    private async Task<Dictionary<string, string>> ProbeAsync(string root, CancellationToken ct)
    {
        var script = $"""
            root={ShellQuote.Quote(root)}
            dir={ShellDirectory}
            printf 'os=%s\n' "$(uname -s)"
            printf 'arch=%s\n' "$(uname -m)"
            printf 'home=%s\n' "$HOME"
            if command -v rsync >/dev/null 2>&1; then printf 'rsync=%s\n' "$(rsync --version 2>/dev/null | head -n 1)"; fi
            if [ -d "$root" ]; then if [ -w "$root" ]; then echo root=writable; else echo root=readonly; fi; elif [ -e "$root" ]; then echo root=notdir; else echo root=missing; fi
            if [ -x "$dir/{AgentName}" ] && [ -x "$dir/{CinotifyName}" ]; then printf 'agent=%s\n' "$("$dir/{AgentName}" --version 2>/dev/null | head -n 1)"; fi
            """;
        var result = await RunScriptAsync(script, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new RemoteException($"cannot inspect {Host} (exit {result.ExitStatus}): {result.Error.Trim()}");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.Output.Split('\n'))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq]] = line[(eq + 1)..];
            }
        }
        return values;
    }

    /// <summary>Turns what the probe found into the runtime name, or the first clear error.</summary>
    private string CheckHost(Dictionary<string, string> probe, string root)
    {
        var os = probe.GetValueOrDefault("os", "?");
        var arch = probe.GetValueOrDefault("arch", "?");
        if (os != "Linux")
        {
            throw new RemoteException($"{Host} runs {os}: the agent needs Linux");
        }
        var runtime = arch switch
        {
            "x86_64" => AgentBundle.Runtime,
            _ => throw new RemoteException($"unsupported architecture '{arch}' on {Host}: the agent is only built for x86_64 ({AgentBundle.Runtime})"),
        };
        if (!probe.TryGetValue("rsync", out var rsyncLine) || rsyncLine.Length == 0)
        {
            throw new RemoteException($"rsync is not installed on {Host}: install it there (e.g. apt-get install rsync)");
        }
        // "rsync  version 3.2.7  protocol version 31"
        var parts = rsyncLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        probe["rsync"] = parts is { Length: >= 3 } && parts[1] == "version" ? parts[2] : rsyncLine;
        switch (probe.GetValueOrDefault("root"))
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
        return runtime;
    }

    private string ResolveDirectory(string home)
    {
        var path = $"{_baseDirectory}/{_bundle.Version}";
        if (!path.StartsWith("~/", StringComparison.Ordinal))
        {
            return path;
        }
        if (!home.StartsWith('/'))
        {
            throw new RemoteException($"the remote user on {Host} has no usable home folder (HOME='{home}') for {_baseDirectory}");
        }
        return home.TrimEnd('/') + path[1..];
    }

    private async Task UploadAsync(string directory, IProgress<string>? progress, CancellationToken ct)
    {
        var suffix = ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        // cinotify first: the rename of psync-agent is what makes the folder count as installed.
        var files = new[]
        {
            (Name: CinotifyName, Local: _bundle.CinotifyPath, Temp: CinotifyName + suffix),
            (Name: AgentName, Local: _bundle.AgentPath, Temp: AgentName + suffix),
        };
        var mkdir = await RunScriptAsync($"mkdir -p -- {ShellDirectory}", ct).ConfigureAwait(false);
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
                        progress?.Report($"uploading {file.Name} ({Size(stream.Length)}) to {Host}");
                        hashes.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false)));
                        stream.Position = 0;
                        await sftp.UploadFileAsync(stream, $"{directory}/{file.Temp}", ct).ConfigureAwait(false);
                    }
                }
            }
            progress?.Report($"verifying SHA-256 on {Host}");
            var script = $$"""
                set -e
                dir={{ShellDirectory}}
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
            await RemoveAsync(files.Select(f => f.Temp)).ConfigureAwait(false);
            throw new RemoteException($"uploading the agent to {Host} failed: {e.Message}", e);
        }
        catch
        {
            await RemoveAsync(files.Select(f => f.Temp)).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RemoveAsync(IEnumerable<string> names)
    {
        try
        {
            var words = string.Join(' ', names.Select(n => "\"$dir\"/" + ShellQuote.Quote(n)));
            await RunScriptAsync($"dir={ShellDirectory}\nrm -f -- {words}", CancellationToken.None).ConfigureAwait(false);
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
/// <param name="Runtime">The host's runtime, e.g. linux-x64.</param>
/// <param name="RsyncVersion">The host's rsync version.</param>
/// <param name="Home">The remote user's home folder.</param>
public sealed record AgentDeployment(string AgentPath, bool Uploaded, string Runtime, string RsyncVersion, string Home);
