using Psync.Agent;

// psync-agent --root DIR [--cinotify PATH]
//   Serves one tree to the Psync engine over stdin/stdout (framed protocol, see Psync.Protocol).
string? root = null;
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
        default:
            await Console.Error.WriteLineAsync($"psync-agent: unknown argument '{args[i]}'\nusage: psync-agent --root DIR [--cinotify PATH] | --version");
            return 2;
    }
}
if (root is null)
{
    await Console.Error.WriteLineAsync("usage: psync-agent --root DIR [--cinotify PATH] | --version");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var host = new AgentHost(Path.GetFullPath(root), cinotify, Console.OpenStandardInput(), Console.OpenStandardOutput());
return await host.RunAsync(stop.Token);
