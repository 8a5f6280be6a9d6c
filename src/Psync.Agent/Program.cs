using Psync.Agent;

// psync-agent --root DIR [--cinotify PATH] [--read-only] [--serve-rsync]
//   Serves one tree to the Psync engine over stdin/stdout (framed protocol, see Psync.Protocol);
//   with --serve-rsync it also starts rsync's remote end for the engine (see RsyncServer).
// psync-agent --rsync-shell DIR HOST rsync --server ...
//   rsync's "remote shell" for a local pair (see RsyncShell).
if (args is ["--rsync-shell", ..])
{
    return RsyncShell.Exec(args[1..]);
}
string? root = null;
var readOnly = false;
var serveRsync = false;
var cinotify = Environment.GetEnvironmentVariable("PSYNC_CINOTIFY") ?? Path.Combine(AppContext.BaseDirectory, "cinotify");
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--version":
            Console.WriteLine(AgentHost.Version);
            return 0;
        case "--root" when i + 1 < args.Length:
            root = args[++i];
            break;
        case "--cinotify" when i + 1 < args.Length:
            cinotify = args[++i];
            break;
        case "--read-only":
            readOnly = true;
            break;
        case "--serve-rsync":
            serveRsync = true;
            break;
        default:
            await Console.Error.WriteLineAsync($"psync-agent: unknown argument '{args[i]}'\nusage: psync-agent --root DIR [--cinotify PATH] [--read-only] [--serve-rsync] | --version");
            return 2;
    }
}
if (root is null)
{
    await Console.Error.WriteLineAsync("usage: psync-agent --root DIR [--cinotify PATH] [--read-only] [--serve-rsync] | --version");
    return 2;
}

// A Ctrl-C in the terminal reaches the whole process group: the engine decides when its agents
// stop (it closes their input), so the agent ignores SIGINT rather than die under it.
Console.CancelKeyPress += (_, e) => e.Cancel = true;
var host = new AgentHost(Path.GetFullPath(root), cinotify, readOnly, serveRsync, Console.OpenStandardInput(), Console.OpenStandardOutput());
return host.Run();
