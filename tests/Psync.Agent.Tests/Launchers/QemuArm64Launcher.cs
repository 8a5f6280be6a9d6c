using System.Diagnostics;
using Psync.Engine.Agents;
using Psync.Tests;

namespace Psync.Agent.Tests.Launchers;

/// <summary>
/// The linux-arm64 agent under user-mode emulation: <c>qemu-aarch64-static psync-agent --root TREE</c>,
/// without relying on binfmt_misc. The cinotify it starts is SANDBOX/cinotify, a shell script that
/// runs the arm64 cinotify under qemu too (the kernel runs the script with the host's /bin/sh).
/// Emulation makes each start take about half a second, so only the tests marked for it run here.
/// </summary>
public sealed class QemuArm64Launcher : IAgentLauncher
{
    private const string Runtime = "linux-arm64";

    public Launch Kind => Launch.QemuArm64;

    public TimeSpan Deadline => TimeSpan.FromSeconds(30);

    public bool SeesHost => true;

    public string NewRoot()
    {
        var root = Path.Combine(Sandbox.Create(), Sandbox.TreeName);
        var cinotify = Path.Combine(Path.GetDirectoryName(RepoFiles.PublishedAgent(Runtime))!, "cinotify");
        // Written here as data, made executable by a copy another process writes (see InstallExecutable).
        var script = Path.Combine(Sandbox.Of(root), "cinotify.sh");
        File.WriteAllText(script, $"#!/bin/sh\nexec {ShellQuote(Qemu)} {ShellQuote(cinotify)} \"$@\"\n");
        Sandbox.InstallExecutable(root, script, "cinotify");
        return root;
    }

    public string SeenByAgent(string root, string hostPath) => hostPath;

    public ProcessStartInfo Command(string root, params IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(Qemu);
        psi.ArgumentList.Add(RepoFiles.PublishedAgent(Runtime));
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        psi.Environment["PSYNC_CINOTIFY"] = Path.Combine(Sandbox.Of(root), "cinotify");
        return psi;
    }

    public AgentConnection Start(string root, IReadOnlyDictionary<string, string>? environment = null, bool readOnly = false, Action<string>? onStderr = null) =>
        AgentProcess.Start(Command(root, ["--root", root, .. readOnly ? new[] { "--read-only" } : []]), environment, onStderr, TimeSpan.FromSeconds(10));

    private static string Qemu => Executables.Find("qemu-aarch64-static", "qemu-user-static");

    private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
