using System.Diagnostics;
using Psync.Agent.Tests.Launchers;
using Psync.Engine.Agents;
using Psync.Protocol;
using Xunit.Abstractions;

namespace Psync.Agent.Tests;

public abstract class ScanTests<TLauncher>(ITestOutputHelper output) : IAsyncLifetime where TLauncher : IAgentLauncher, new()
{
    private AgentSession _agent = null!;

    public async Task InitializeAsync() => _agent = await AgentSession.StartAsync(new TLauncher());

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [AgentFact(Under = Launch.All)]
    public async Task Scan_Tree_IsInPathOrderWithStatesAndWithoutOwnArea()
    {
        foreach (var dir in new[] { "a", "a/x", "a-c", "b" })
        {
            Directory.CreateDirectory(_agent.Full(dir));
        }
        await File.WriteAllTextAsync(_agent.Full("a/x/f"), "12345");
        await File.WriteAllTextAsync(_agent.Full("a-c/g"), "");
        File.CreateSymbolicLink(_agent.Full("b/link"), "../a");
        await File.WriteAllTextAsync(_agent.Full(".psync/stage/hidden"), "not synced");

        var entries = await _agent.ScanAsync();

        Assert.Equal(["a", "a/x", "a/x/f", "a-c", "a-c/g", "b", "b/link"], entries.Select(e => e.Path));
        Assert.Equal(entries.Select(e => e.Path).Order(PathOrder.Instance), entries.Select(e => e.Path));
        var f = entries.Single(e => e.Path == "a/x/f").State;
        Assert.Equal((EntryKind.File, 5L), (f.Kind, f.Size));
        Assert.Equal("../a", entries.Single(e => e.Path == "b/link").State.LinkTarget);
    }

    [AgentFact]
    public async Task Scan_Subtree_ListsItselfThenBelowOnly()
    {
        Directory.CreateDirectory(_agent.Full("a/x"));
        Directory.CreateDirectory(_agent.Full("a-c"));
        await File.WriteAllTextAsync(_agent.Full("a/x/f"), "f");

        var entries = new List<string>();
        await foreach (var e in _agent.Connection.ScanAsync(new ScanSummary(), default, "a"))
        {
            entries.Add(e.Path);
        }
        var missing = new List<string>();
        await foreach (var e in _agent.Connection.ScanAsync(new ScanSummary(), default, "nope/deeper"))
        {
            missing.Add(e.Path);
        }

        Assert.Equal(["a", "a/x", "a/x/f"], entries);
        Assert.Empty(missing);
    }

    [AgentTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Scan_InPages_ResumesAfterTheLastPathAndListsEveryEntryOnce(int limit)
    {
        foreach (var dir in new[] { "a/x/y", "a-c", "b/z" })
        {
            Directory.CreateDirectory(_agent.Full(dir));
        }
        foreach (var file in new[] { "a/1", "a/x/2", "a/x/y/3", "a/x/y/4", "a-c/5", "b/z/6", "c" })
        {
            await File.WriteAllTextAsync(_agent.Full(file), file);
        }
        var whole = (await _agent.ScanAsync()).Select(e => e.Path).ToList();

        var paged = new List<string>();
        var after = "";
        var pages = 0;
        while (true)
        {
            var summary = new ScanSummary();
            var page = new List<string>();
            await foreach (var e in _agent.Connection.ScanAsync(summary, default, after: after, limit: limit))
            {
                page.Add(e.Path);
            }
            Assert.True(page.Count <= limit, $"a page of {page.Count} entries, limit {limit}");
            Assert.Equal(page.Count, summary.Count);
            paged.AddRange(page);
            pages++;
            if (page.Count < limit)
            {
                break;
            }
            after = page[^1];
        }

        Assert.Equal(13, whole.Count);
        Assert.Equal(whole, paged);
        Assert.Equal(whole.Count / limit + 1, pages);
    }

    [AgentFact]
    public async Task Scan_Twice_ListsTheSameTree()
    {
        Directory.CreateDirectory(_agent.Full("x"));
        await File.WriteAllTextAsync(_agent.Full("x/inside"), "in");

        var first = await _agent.ScanAsync();
        var second = await _agent.ScanAsync();

        Assert.Equal(["x", "x/inside"], first.Select(e => e.Path));
        Assert.Equal(first.Select(e => (e.Path, e.State)), second.Select(e => (e.Path, e.State)));
    }

    [AgentFact]
    public async Task Scan_ExcludesAndTempfiles_AreLeftOutWithTheirSubtrees()
    {
        Directory.CreateDirectory(_agent.Full("build/obj"));
        await File.WriteAllTextAsync(_agent.Full("build/obj/x.o"), "");
        await File.WriteAllTextAsync(_agent.Full("keep.txt"), "");
        await File.WriteAllTextAsync(_agent.Full(".keep.txt.swp"), "");
        await _agent.Connection.ConfigureAsync([@"^build$"], [@"\.swp$"]);

        var entries = await _agent.ScanAsync();

        Assert.Equal(["keep.txt"], entries.Select(e => e.Path));
    }

    // The same scan as above at scale, which takes seconds to minutes of disk writes: once, natively,
    // is enough (a second run in the empty root would exercise nothing the small scans do not).
    [AgentFact(Under = Launch.Native)]
    public async Task Scan_HundredThousandFiles_StreamsAllInOrder()
    {
        const int dirs = 100;
        const int perDir = 1000;
        for (var d = 0; d < dirs; d++)
        {
            var dir = _agent.Full($"d{d:D3}");
            Directory.CreateDirectory(dir);
            for (var i = 0; i < perDir; i++)
            {
                File.Create(Path.Combine(dir, $"f{i:D4}")).Dispose();
            }
        }
        var pid = _agent.Connection.ProcessId!.Value;
        var summary = new ScanSummary();

        var watch = Stopwatch.StartNew();
        var count = 0;
        string? previous = null;
        var ordered = true;
        await foreach (var entry in _agent.Connection.ScanAsync(summary))
        {
            ordered &= previous is null || PathOrder.Instance.Compare(previous, entry.Path) < 0;
            previous = entry.Path;
            count++;
        }
        watch.Stop();
        var peakKb = PeakMemoryKb(pid);

        Assert.Equal(dirs + (dirs * perDir), count);
        Assert.Equal(count, summary.Count);
        Assert.True(ordered);
        output.WriteLine($"scan of {count} entries: {watch.ElapsedMilliseconds} ms, agent peak RSS {peakKb / 1024.0:F1} MiB");
    }

    private static long PeakMemoryKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return -1;
    }
}

public sealed class NativeScanTests(ITestOutputHelper output) : ScanTests<NativeLauncher>(output);

public sealed class EmptyRootScanTests(ITestOutputHelper output) : ScanTests<EmptyRootLauncher>(output);

public sealed class QemuArm64ScanTests(ITestOutputHelper output) : ScanTests<QemuArm64Launcher>(output);
