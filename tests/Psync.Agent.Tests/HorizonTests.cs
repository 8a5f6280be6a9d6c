using System.Diagnostics;
using Psync.Agent.Tests.Launchers;
using Psync.Protocol;
using Psync.Tests;

namespace Psync.Agent.Tests;

/// <summary>
/// The agent's <see cref="Horizon"/>, read from its raw output: the engine forgets its own
/// operations below it, so no state numbered lower may follow it.
/// </summary>
public sealed class HorizonTests : IDisposable
{
    private readonly string _root = Path.Combine(Sandbox.Create(), Sandbox.TreeName);

    public void Dispose() => Sandbox.Delete(_root);

    [AgentFact(Under = Launch.Native)]
    public async Task Horizon_DuringAScan_NeverPassesAnEntryNotYetSent_AndPassesThemAllOnceSent()
    {
        for (var d = 0; d < 10; d++)
        {
            Directory.CreateDirectory(Path.Combine(_root, $"d{d}"));
            for (var f = 0; f < 1000; f++)
            {
                File.Create(Path.Combine(_root, $"d{d}", $"f{f}")).Dispose();
            }
        }
        using var agent = Process.Start(new ProcessStartInfo(RepoFiles.PublishedAgent(), ["--root", _root])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var input = agent.StandardInput.BaseStream;
        var wire = new WireWriter();
        void Send(Message message)
        {
            input.Write(Frames.Encode(message, wire).Span);
            input.Flush();
        }
        var frames = new FrameReader(agent.StandardOutput.BaseStream);
        Assert.IsType<Hello>(await frames.ReadAsync(deadline.Token));

        // A stat answered (and so a horizon offered) whenever the last was, while the scan numbers and sends its entries.
        Send(new Scan(1));
        Send(new OpRequest(2, new StatOp("")));
        var seen = new List<Message>();
        var next = 3;
        long highest = 0;
        while (true)
        {
            var message = await frames.ReadAsync(deadline.Token) ?? throw new InvalidOperationException("the agent went away");
            seen.Add(message);
            switch (message)
            {
                case ScanEntries entries:
                    highest = Math.Max(highest, entries.Entries.Max(e => e.Seq));
                    break;
                case OpResult:
                    Send(new OpRequest(next++, new StatOp("")));
                    break;
            }
            if (message is Horizon h && h.Seq > highest && seen.OfType<ScanDone>().Any())
            {
                break;
            }
        }
        Send(new Shutdown());

        Assert.Equal(10_010, seen.OfType<ScanEntries>().Sum(e => e.Entries.Count)); // 10 folders, 10,000 files
        for (var i = 0; i < seen.Count; i++)
        {
            if (seen[i] is Horizon horizon)
            {
                var late = seen.Skip(i + 1).OfType<ScanEntries>().SelectMany(e => e.Entries).FirstOrDefault(e => e.Seq < horizon.Seq);
                Assert.True(late is null, $"{late} came after the horizon {horizon.Seq}");
            }
        }
    }
}
