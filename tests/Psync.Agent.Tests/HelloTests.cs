using System.Diagnostics;
using Psync.Protocol;

namespace Psync.Agent.Tests;

public sealed class HelloTests
{
    [Fact]
    public async Task Hello_ExistingRoot_ReportsVersionAndHostFacts()
    {
        await using var agent = await AgentSession.StartAsync();

        var hello = agent.Hello;

        var psi = new ProcessStartInfo(AgentSession.AgentPath, "--version") { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var version = (await p.StandardOutput.ReadToEndAsync()).Trim();
        Assert.Equal(version, hello.AgentVersion);
        Assert.Equal(Message.ProtocolVersion, hello.Protocol);
        Assert.True(hello.RootExists);
        Assert.True(hello.RootWritable);
        Assert.True(hello.CinotifyFound);
        Assert.Matches(@"^\d+\.\d+", hello.RsyncVersion);
        Assert.True(hello.MaxUserWatches > 0);
        Assert.True(hello.MaxQueuedEvents > 0);
        Assert.True(Directory.Exists(agent.Full(".psync/stage")));
        Assert.True(Directory.Exists(agent.Full(".psync/trash")));
    }

    [Fact]
    public async Task Hello_MissingRoot_ReportsItAndRefusesWork()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"psync-missing-{Guid.NewGuid():N}");
        await using var agent = await AgentSession.StartAsync(missing);

        Assert.False(agent.Hello.RootExists);
        Assert.False(agent.Hello.RootWritable);
        var result = await agent.RunAsync(new MkdirOp("a", 0x1ED, Expect.Absent));
        Assert.Equal(OpStatus.Error, result.Status);
        Assert.Contains("does not exist", result.Message);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Hello_ReadOnly_CreatesNothingAndRefusesChanges()
    {
        var root = Directory.CreateTempSubdirectory("psync-agent-ro-").FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "f"), "x");
        var connection = Psync.Engine.Agents.LocalAgent.Start(AgentSession.AgentPath, root, readOnly: true);
        await using (connection)
        {
            var hello = await connection.HelloAsync(AgentSession.Deadline);

            var stat = await connection.RunAsync(new StatOp("f"));
            var delete = await connection.RunAsync(new DeleteOp("f", Expect.Anything, Recursive: false));

            Assert.False(hello.RootWritable);
            Assert.Equal(OpStatus.Ok, stat.Status);
            Assert.Equal(OpStatus.Error, delete.Status);
            Assert.True(File.Exists(Path.Combine(root, "f")));
            Assert.False(Directory.Exists(Path.Combine(root, ".psync")));
        }
        Directory.Delete(root, recursive: true);
    }
}
