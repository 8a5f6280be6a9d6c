using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

public sealed class NamesAndFiltersTests : NamesAndFiltersTestsBase
{
    private protected override PairHarness Create(Func<PairOptions, PairOptions>? configure = null) => PairHarness.Create(configure);
}

public sealed class RemoteNamesAndFiltersTests(SshdFixture sshd) : NamesAndFiltersTestsBase, IClassFixture<SshdFixture>
{
    private protected override PairHarness Create(Func<PairOptions, PairOptions>? configure = null) => PairHarness.CreateRemote(sshd, configure);
}

public abstract class NamesAndFiltersTestsBase
{
    private protected abstract PairHarness Create(Func<PairOptions, PairOptions>? configure = null);

    [Fact]
    public async Task OddNames_SyncByteExact()
    {
        await using var pair = Create();
        await pair.StartAsync();
        byte[][] names =
        [
            "new\nline"u8.ToArray(),
            "co:lon"u8.ToArray(),
            "with spaces"u8.ToArray(),
            "-leading-dash"u8.ToArray(),
            [(byte)'b', (byte)'a', (byte)'d', 0xFF, 0xFE],
            [.. Enumerable.Repeat((byte)'n', 255)],
        ];

        foreach (var name in names)
        {
            RawFs.CreateRaw(pair.Left, name);
        }
        await pair.WaitConvergedAsync();

        var right = PairHarness.Snapshot(pair.Right).Keys.Select(PathCodec.Encode).ToList();
        foreach (var name in names)
        {
            Assert.Contains(right, r => r.AsSpan().SequenceEqual(name));
        }
    }

    [Fact]
    public async Task OddNames_InABulkBatchAndInANewFolder_SyncByteExact()
    {
        // Hundreds of files in one batch: a local pair pulls through the agent program; a new folder is placed whole.
        await using var pair = Create();
        byte[][] names =
        [
            "new\nline"u8.ToArray(),
            "co:lon"u8.ToArray(),
            "-leading-dash"u8.ToArray(),
            "sp ace's \"quote\" $x *"u8.ToArray(),
            [(byte)'b', (byte)'a', (byte)'d', 0xFF, 0xFE],
        ];
        byte[] folder = [.. "-new:\nfolder "u8, 0xFF];
        for (var i = 0; i < 300; i++)
        {
            await File.WriteAllTextAsync(pair.L($"filler{i:D3}"), $"{i}");
        }
        foreach (var name in names)
        {
            RawFs.WriteFile(pair.Left, [name], name);
            RawFs.WriteFile(pair.Left, [folder, name], name);
        }
        await pair.StartAsync();
        await pair.WaitConvergedAsync();

        foreach (var name in names)
        {
            Assert.Equal(name, RawFs.ReadFile(pair.Right, [name]));
            Assert.Equal(name, RawFs.ReadFile(pair.Right, [folder, name]));
        }
    }

    [Fact]
    public async Task Exclude_PatternThatWouldBacktrackForEver_ExcludesEveryMatchAndNothingStalls()
    {
        // On a backtracking engine ^(a+)+$ takes 2^n steps on n a's followed by anything else: it used to
        // time out, count as "no match", and let all of these sync while the scan crawled.
        var name = new string('a', 240) + "-secret-";
        await using var pair = Create(o => o with { Excludes = ["^(a+)+$|secret"] });
        for (var i = 0; i < 10; i++)
        {
            await File.WriteAllTextAsync(pair.L(name + i), "before start");
        }
        await pair.StartAsync();

        for (var i = 10; i < 20; i++)
        {
            await File.WriteAllTextAsync(pair.L(name + i), "while running");
        }
        await File.WriteAllTextAsync(pair.L("ok.txt"), "synced");
        await PairHarness.WaitUntilAsync(() => File.Exists(pair.R("ok.txt")) && pair.Pair.Status.State == PairState.Idle, PairHarness.Converge, "ok.txt, and the pair idle");

        Assert.Equal(["ok.txt"], Directory.GetFiles(pair.Right).Select(Path.GetFileName));
        Assert.DoesNotContain(pair.Pair.History, e => e.Kind == EventKind.Warning);
    }

    [Fact]
    public async Task ExcludesAndTempfiles_AreNotSynced_TempfileRenamedIs()
    {
        await using var pair = Create(o => o with { Excludes = [@"(^|/)cache$"], Tempfiles = [@"\.tmp$"] });
        await pair.StartAsync();

        Directory.CreateDirectory(pair.L("cache"));
        await File.WriteAllTextAsync(pair.L("cache/blob"), "x");
        await File.WriteAllTextAsync(pair.L("draft.tmp"), "draft");
        await File.WriteAllTextAsync(pair.L("real.txt"), "real");
        await PairHarness.WaitUntilAsync(() => File.Exists(pair.R("real.txt")), PairHarness.Converge, "real.txt");
        File.Move(pair.L("draft.tmp"), pair.L("final.txt"));
        await PairHarness.WaitUntilAsync(() => File.Exists(pair.R("final.txt")), PairHarness.Converge, "final.txt");

        Assert.False(Directory.Exists(pair.R("cache")));
        Assert.False(File.Exists(pair.R("draft.tmp")));
        Assert.Equal("draft", await File.ReadAllTextAsync(pair.R("final.txt")));
    }

    [Fact]
    public async Task DryRun_ChangesNothing()
    {
        await using var pair = Create(o => o with { DryRun = true });
        await File.WriteAllTextAsync(pair.L("a.txt"), "a");
        await File.WriteAllTextAsync(pair.R("b.txt"), "b");
        await pair.StartAsync();

        await File.WriteAllTextAsync(pair.L("c.txt"), "c");
        await PairHarness.WaitUntilAsync(() => pair.Pair.History.Any(e => e.Path == "c.txt"), PairHarness.Converge, "the dry run to plan c.txt");

        Assert.False(File.Exists(pair.R("a.txt")));
        Assert.False(File.Exists(pair.L("b.txt")));
        Assert.False(File.Exists(pair.R("c.txt")));
        Assert.All(pair.Pair.History.Where(e => e.Path.Length > 0), e => Assert.Contains("dry run", e.Detail));
        Assert.Equal(0, pair.Pair.Counters.FilesTransferred);
    }

    [Fact]
    public async Task DryRun_PlannedDeleteAndMove_CountNothingAsApplied()
    {
        await using var pair = Create();
        await File.WriteAllTextAsync(pair.L("gone.txt"), "to delete");
        await File.WriteAllTextAsync(pair.L("old.txt"), "to rename");
        await pair.StartAsync();
        await pair.WaitConvergedAsync();
        await pair.StopAsync();
        await pair.RestartAsync(o => o with { DryRun = true });

        File.Delete(pair.L("gone.txt"));
        File.Move(pair.L("old.txt"), pair.L("new.txt"));
        await PairHarness.WaitUntilAsync(
            () => pair.Pair.History.Any(e => e.Kind == EventKind.Delete) && pair.Pair.History.Any(e => e.Kind is EventKind.Move or EventKind.Transfer && e.Path == "new.txt"),
            PairHarness.Converge, "the dry run to plan the delete and the rename");

        Assert.True(File.Exists(pair.R("gone.txt")) && File.Exists(pair.R("old.txt")));
        Assert.All(pair.Pair.History.Where(e => e.Kind is EventKind.Delete or EventKind.Move), e => Assert.Contains("dry run", e.Detail));
        Assert.Equal((0L, 0L), (pair.Pair.Counters.Deletes, pair.Pair.Counters.Moves));
    }
}
