using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Psync.Engine.Agents;
using Psync.Engine.Transfer;

namespace Psync.Engine.Remote;

/// <summary>
/// The right side of a remote pair: an SSH.NET session to the host with its key pinned, the
/// agent deployed there and speaking over an exec channel, and the matching OpenSSH transport
/// (same pinned key, multiplexed) for rsync. Disposing ends all three.
/// </summary>
internal sealed class RemoteSide : IAsyncDisposable
{
    private readonly SshSession _session;
    private readonly PrivateSshAgent? _keyAgent;
    private readonly RsyncForward? _forward;

    private RemoteSide(SshSession session, AgentConnection agent, RsyncEndpoint endpoint, PrivateSshAgent? keyAgent, RsyncForward? forward, string runtime, TrafficCounter traffic)
    {
        _session = session;
        _forward = forward;
        Runtime = runtime;
        Traffic = traffic;
        _keyAgent = keyAgent;
        Agent = agent;
        Endpoint = endpoint;
    }

    public AgentConnection Agent { get; }

    public RsyncEndpoint Endpoint { get; }

    /// <summary>The agent build running there, e.g. linux-x64.</summary>
    public string Runtime { get; }

    /// <summary>Bytes through the agent's channel.</summary>
    public TrafficCounter Traffic { get; }

    /// <exception cref="PairException">Nothing will change by retrying: no key given, the host key is unknown or changed, no agent to upload, or the host cannot run it.</exception>
    /// <exception cref="AgentException">The host could not be reached or set up now; retry later.</exception>
    public static async Task<RemoteSide> ConnectAsync(PairOptions options, string agentPath, Action<string> progress, Action<string> onStderr, CancellationToken ct)
    {
        var address = RemoteAddress.Parse(options.RemoteHost!);
        if (options.Identity is null && options.SshAgentSocket is null)
        {
            throw new PairException($"a remote pair needs an SSH private key: give one with -i/--identity (or log in with your ssh-agent: --ssh-agent) for {address}");
        }
        var knownHosts = new KnownHosts(options.KnownHostsFile ?? Path.Combine(options.DataDir, "known_hosts.psync"));
        SshSession? session = null;
        PrivateSshAgent? keyAgent = null;
        try
        {
            // Before any connection: a build with nothing to upload fails at once, not after a login.
            var bundles = await AgentBundles.LocateAsync(agentPath, ct).ConfigureAwait(false);
            var run = ControlDirectory(options);
            // A passphrase-protected key is decrypted once, into an ssh-agent of the pair's own: SSH.NET
            // and rsync's ssh (which has no terminal to ask at) both log in through it.
            if (options.SshAgentSocket is null && options.IdentityPassphrase is { } passphrase)
            {
                keyAgent = await PrivateSshAgent.StartAsync(options.Identity!, passphrase, run, ct).ConfigureAwait(false);
            }
            var agentSocket = keyAgent?.SocketPath ?? options.SshAgentSocket;
            var identity = keyAgent?.PublicKeyFile ?? options.Identity;
            progress($"connecting to {address}");
            session = await SshSession.ConnectAsync(new SshSessionOptions { Address = address, IdentityFile = identity, AgentSocket = agentSocket, AcceptFingerprint = options.AcceptHostKey }, knownHosts, ct).ConfigureAwait(false);
            var deployment = await new AgentDeployer(session, bundles).DeployAsync(options.RightRoot, new Progress<string>(progress), ct).ConfigureAwait(false);
            var pinned = knownHosts.Get(address.Host, address.Port)!;
            var sshKnownHosts = Path.Combine(options.DataDir, "known_hosts");
            knownHosts.WriteOpenSshKnownHosts(sshKnownHosts);
            var transport = new OpenSshTransport(address, identity is null ? null : Path.GetFullPath(identity), sshKnownHosts, run, pinned.KeyType) { IdentityAgent = agentSocket };
            var traffic = new TrafficCounter();
            var agent = await RemoteAgent.StartCountedAsync(session, deployment.AgentPath, options.RightRoot, onStderr, readOnly: false, traffic, ct).ConfigureAwait(false);
            // A failure here shows again, with rsync's words, at the first transfer.
            await RunSshAsync(transport, transport.StartMasterArguments(), ct).ConfigureAwait(false);
            // The pair checks the hello itself (protocol, root); here only its rsync socket matters.
            var hello = await agent.HelloAsync(TimeSpan.FromSeconds(15), ct).ConfigureAwait(false); // as SyncPair waits for it
            // rsync's remote shell through the forward: a static C program beside the local agent.
            var streamer = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(agentPath))!, RsyncStreamRoute.ProgramName);
            RsyncForward? forward = null;
            if (hello is { Protocol: Psync.Protocol.Message.ProtocolVersion, RsyncSocket: { } socket })
            {
                if (File.Exists(streamer))
                {
                    forward = await RsyncForward.StartAsync(transport, socket, progress, ct).ConfigureAwait(false);
                }
                else
                {
                    progress($"{streamer} is missing: each transfer starts rsync through a login shell");
                }
            }
            var endpoint = new RsyncEndpoint(options.RightRoot, transport)
            {
                Stream = forward is null ? null : new RsyncStreamRoute(streamer, forward.LocalSocket),
            };
            return new RemoteSide(session, agent, endpoint, keyAgent, forward, deployment.Runtime, traffic);
        }
        catch (HostKeyException e)
        {
            await DisposeQuietlyAsync(session, keyAgent).ConfigureAwait(false);
            var hint = e.Problem == HostKeyProblem.Unknown ? $" If that is the host's key, start again with --accept-host-key {e.Fingerprint}." : "";
            throw new PairException(e.Message + hint, e);
        }
        catch (Exception e) when (e is DeployException or KeyFileException)
        {
            await DisposeQuietlyAsync(session, keyAgent).ConfigureAwait(false);
            throw new PairException(e.Message, e);
        }
        catch (RemoteException e)
        {
            await DisposeQuietlyAsync(session, keyAgent).ConfigureAwait(false);
            throw new AgentException(e.Message, e);
        }
        catch
        {
            await DisposeQuietlyAsync(session, keyAgent).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A short private folder for ssh's control socket (socket paths are limited to ~104 bytes).</summary>
    private static string ControlDirectory(PairOptions options)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.DataDir)))[..8];
        var dir = $"/tmp/psync-{getuid()}-{hash}";
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(dir, Private);
        // /tmp is shared: a folder someone else made in its place is not ours to use.
        if (File.GetUnixFileMode(dir) != Private)
        {
            throw new PairException($"{dir} exists and is not private (mode 0700): remove it");
        }
        return dir;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint getuid();

    private static async Task DisposeQuietlyAsync(SshSession? session, PrivateSshAgent? keyAgent)
    {
        if (session is not null)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
        if (keyAgent is not null)
        {
            await keyAgent.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_forward is not null)
        {
            await _forward.DisposeAsync().ConfigureAwait(false);
        }
        await Agent.DisposeAsync().ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false);
        if (Endpoint.Ssh is { } ssh)
        {
            // The multiplexing master outlives our rsyncs by ControlPersist; end it with the pair.
            await RunSshAsync(ssh, ssh.StopMasterArguments(), CancellationToken.None).ConfigureAwait(false);
        }
        if (_keyAgent is not null)
        {
            await _keyAgent.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs OpenSSH with <paramref name="args"/> and waits for it to exit; its output and exit status are not needed.</summary>
    private static async Task RunSshAsync(OpenSshTransport ssh, IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(ssh.SshProgram) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi);
        if (process is null)
        {
            return;
        }
        // Not read to their end: a master that stays behind (ControlPersist) may keep them open.
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
