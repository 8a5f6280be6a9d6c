using System.Diagnostics;
using Psync.Agent.Tests.Launchers;
using Psync.Protocol;

namespace Psync.Agent.Tests;

public abstract class HelloTests<TLauncher> where TLauncher : IAgentLauncher, new()
{
    private readonly TLauncher _launcher = new();

    [AgentFact(Under = Launch.All)]
    public async Task Hello_ExistingRoot_ReportsVersionAndHostFacts()
    {
        await using var agent = await AgentSession.StartAsync(_launcher);

        var hello = agent.Hello;

        var version = await RunAsync(_launcher.Command(agent.Root, "--version"), agent.Deadline);
        Assert.Equal(version, hello.AgentVersion);
        Assert.Equal(Message.ProtocolVersion, hello.Protocol);
        Assert.Equal(agent.AgentRoot, hello.Root);
        Assert.True(hello.RootExists);
        Assert.True(hello.RootWritable);
        Assert.True(hello.CinotifyFound);
        if (_launcher.SeesHost)
        {
            Assert.Matches(@"^\d+\.\d+", hello.RsyncVersion);
            Assert.True(hello.MaxUserWatches > 0);
            Assert.True(hello.MaxQueuedEvents > 0);
        }
        else
        {
            // An empty root has no rsync and no /proc: the agent says so rather than fail.
            Assert.Null(hello.RsyncVersion);
            Assert.Equal(-1, hello.MaxUserWatches);
            Assert.Equal(-1, hello.MaxQueuedEvents);
        }
        Assert.True(Directory.Exists(agent.Full(".psync/stage")));
        Assert.True(Directory.Exists(agent.Full(".psync/trash")));
    }

    [AgentFact]
    public async Task Hello_MissingRoot_ReportsItAndRefusesWork()
    {
        var missing = _launcher.NewRoot();
        Directory.Delete(missing);
        await using var agent = await AgentSession.StartAsync(_launcher, missing);

        Assert.False(agent.Hello.RootExists);
        Assert.False(agent.Hello.RootWritable);
        var result = await agent.RunAsync(new MkdirOp("a", 0x1ED, Expect.Absent));
        Assert.Equal(OpStatus.Error, result.Status);
        Assert.Contains("does not exist", result.Message);
        Assert.False(Directory.Exists(missing));
    }

    [AgentFact]
    public async Task Hello_ReadOnly_CreatesNothingAndRefusesChanges()
    {
        var root = _launcher.NewRoot();
        await File.WriteAllTextAsync(Path.Combine(root, "f"), "x");
        try
        {
            await using var connection = _launcher.Start(root, readOnly: true);
            var hello = await connection.HelloAsync(_launcher.Deadline);

            var stat = await connection.RunAsync(new StatOp("f"));
            var delete = await connection.RunAsync(new DeleteOp("f", Expect.Anything, Recursive: false));

            Assert.False(hello.RootWritable);
            Assert.Equal(OpStatus.Ok, stat.Status);
            Assert.Equal(OpStatus.Error, delete.Status);
            Assert.True(File.Exists(Path.Combine(root, "f")));
            Assert.False(Directory.Exists(Path.Combine(root, ".psync")));
        }
        finally
        {
            Sandbox.Delete(root);
        }
    }

    private static async Task<string> RunAsync(ProcessStartInfo psi, TimeSpan deadline)
    {
        psi.RedirectStandardOutput = true;
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync().WaitAsync(deadline);
        await p.WaitForExitAsync().WaitAsync(deadline);
        Assert.Equal(0, p.ExitCode);
        return output.Trim();
    }
}

public sealed class NativeHelloTests : HelloTests<NativeLauncher>;

public sealed class EmptyRootHelloTests : HelloTests<EmptyRootLauncher>;

public sealed class QemuArm64HelloTests : HelloTests<QemuArm64Launcher>;
