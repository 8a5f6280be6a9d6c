using Psync.Engine.Remote;

namespace Psync.Engine.Transfer;

/// <summary>Where one side's tree is for rsync: a local folder, or a folder on a host reached through the pair's pinned OpenSSH transport.</summary>
public sealed record RsyncEndpoint(string Root, OpenSshTransport? Ssh = null)
{
    /// <summary>
    /// For a local folder: the agent program (<c>psync-agent --rsync-shell</c>) that runs rsync's
    /// sending end in this folder when both sides are local, so the engine's rsync receives (see
    /// <see cref="Rsync.Arguments"/>); null runs one local rsync.
    /// </summary>
    public string? Shell { get; init; }

    /// <summary>
    /// For a remote folder: the local agent program and the local end of the pair's forward to the
    /// remote agent (<see cref="RsyncForward"/>), through which the agent there starts rsync's remote
    /// end without a login shell; null starts it with ssh's remote command.
    /// </summary>
    public RsyncStreamRoute? Stream { get; init; }

    /// <summary>The rsync argument for <paramref name="relative"/> below the root, with a trailing slash ("the folder's contents").</summary>
    public string Folder(string relative = "")
    {
        var path = (relative.Length == 0 ? Root.TrimEnd('/') : $"{Root.TrimEnd('/')}/{relative}") + "/";
        return Ssh is null ? path : Ssh.RsyncRemote(path);
    }
}

/// <summary>How rsync reaches a remote agent's rsync server: <c>-e 'Program Socket N ssh …'</c>.</summary>
/// <param name="Program">psync-rsync-stream (native/rsync-stream.c) on this host.</param>
/// <param name="Socket">The local end of the pair's forward to the agent's socket.</param>
public sealed record RsyncStreamRoute(string Program, string Socket)
{
    /// <summary>The program's name; it lies beside the local psync-agent.</summary>
    public const string ProgramName = "psync-rsync-stream";
}
