using System.Net.Sockets;
using System.Security.Cryptography;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

public sealed class HostileInputTests : HostileInputTestsBase
{
    private protected override PairHarness Create(Func<PairOptions, PairOptions>? configure = null) => PairHarness.Create(configure);

    [Fact]
    public async Task ModeZeroFile_LocalPairRunningAsRoot_SyncsWithItsMode()
    {
        // Root reads a file whatever its mode (CAP_DAC_OVERRIDE): for a local pair run as root,
        // mode 000 is just a mode. UnreadableInputTests drops the capability to test a failing read.
        await using var pair = Create();
        await pair.StartAsync();
        await File.WriteAllTextAsync(pair.L("zero.txt"), "zero");
        File.SetUnixFileMode(pair.L("zero.txt"), UnixFileMode.None);

        await pair.WaitConvergedAsync();

        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(pair.R("zero.txt")));
        Assert.Equal("zero", await File.ReadAllTextAsync(pair.R("zero.txt")));
    }
}

public sealed class RemoteHostileInputTests(SshdFixture sshd) : HostileInputTestsBase, IClassFixture<SshdFixture>
{
    private protected override PairHarness Create(Func<PairOptions, PairOptions>? configure = null) => PairHarness.CreateRemote(sshd, configure);
}

/// <summary>
/// What a hostile or unusual tree does to a pair: each input gets the right result or a clear
/// error in the pair's history or status, never a crash of the pair, never a lost version.
/// </summary>
public abstract class HostileInputTestsBase
{
    private const string Secret = "outside-secret-7f3a";

    private protected abstract PairHarness Create(Func<PairOptions, PairOptions>? configure = null);

    private static string Explain(PairHarness pair) => $"status {pair.Pair.Status}; history:\n{string.Join('\n', pair.Pair.History.TakeLast(30))}";

    [Fact]
    public async Task OddNames_InDirectoriesAndFromEitherSide_SyncByteExact()
    {
        await using var pair = Create();
        await pair.StartAsync();
        byte[][] names =
        [
            "back\\slash"u8.ToArray(),
            "st*r?[x]"u8.ToArray(),
            "new\nline"u8.ToArray(),
            "co:lon"u8.ToArray(),
            "-leading-dash"u8.ToArray(),
            "--delete"u8.ToArray(),
            [0xFF, 0xFE],
            [.. Enumerable.Repeat((byte)'n', 255)],
        ];
        // A 256-byte name cannot exist on either side (NAME_MAX is 255), so there is nothing to test for it.

        var i = 0;
        foreach (var dir in names)
        {
            foreach (var (root, side) in new[] { (pair.Left, "L"), (pair.Right, "R") })
            {
                // The same odd directory made on both sides, each with a file of its own whose name is odd too.
                var file = names[i++ % names.Length].Prepend((byte)side[0]).Take(255).ToArray();
                RawFs.WriteFile(root, [dir, file], [.. dir, .. file]);
            }
        }
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));

        i = 0;
        foreach (var dir in names)
        {
            foreach (var (other, side) in new[] { (pair.Right, "L"), (pair.Left, "R") })
            {
                var file = names[i++ % names.Length].Prepend((byte)side[0]).Take(255).ToArray();
                Assert.Equal([.. dir, .. file], RawFs.ReadFile(other, [dir, file]) ?? []);
            }
        }
    }

    [Fact]
    public async Task PathLongerThanPathMax_IsAClearErrorAndTheRestSyncs()
    {
        await using var pair = Create();
        byte[][] deep = [.. Enumerable.Repeat("d"u8.ToArray(), 1).Concat(Enumerable.Repeat(Enumerable.Repeat((byte)'x', 250).ToArray(), 18)), "f"u8.ToArray()];
        var deepPath = string.Join('/', deep.Select(c => PathCodec.Decode(c)));
        Assert.True(RawFs.TooLongForOneCall(Path.Combine(pair.Left, deepPath)));
        RawFs.WriteFile(pair.Left, deep, "deep"u8.ToArray());
        await pair.StartAsync();

        await File.WriteAllTextAsync(pair.L("after.txt"), "after");
        await PairHarness.WaitUntilAsync(
            () => File.Exists(pair.R("after.txt")) && pair.Pair.History.Any(e => e.Path == deepPath && e.Kind is EventKind.Error or EventKind.Skip),
            TimeSpan.FromSeconds(10), "after.txt to arrive and the deep path to be reported", () => Explain(pair));

        var report = pair.Pair.History.First(e => e.Path == deepPath && e.Kind is EventKind.Error or EventKind.Skip);
        Assert.Contains("PATH_MAX", report.Detail);
        // inotify takes a whole path too: below PATH_MAX the tree is not watched, and the pair says so.
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Warning && e.Detail.StartsWith("cannot watch", StringComparison.Ordinal));
        Assert.Equal("deep"u8.ToArray(), RawFs.ReadFile(pair.Left, deep));
        Assert.NotEqual(PairState.Error, pair.Pair.Status.State);
        // The directories exist on the right as far as the agent can make them (it walks one component at a time).
        Assert.True(Directory.Exists(pair.R("d")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FileReplacedByDirectoryAndBack_SyncsAndKeepsEveryVersion(bool onTheRight)
    {
        await using var pair = Create();
        await pair.StartAsync();
        string Source(string rel) => onTheRight ? pair.R(rel) : pair.L(rel);
        string Target(string rel) => onTheRight ? pair.L(rel) : pair.R(rel);

        await File.WriteAllTextAsync(Source("x"), "file one");
        await pair.WaitConvergedAsync();
        File.Delete(Source("x"));
        Directory.CreateDirectory(Source("x"));
        await File.WriteAllTextAsync(Source("x/inner"), "inner");
        await pair.WaitConvergedAsync();
        Assert.Equal("inner", await File.ReadAllTextAsync(Target("x/inner")));

        Directory.Delete(Source("x"), recursive: true);
        await File.WriteAllTextAsync(Source("x"), "file two");
        await pair.WaitConvergedAsync();

        Assert.Equal("file two", await File.ReadAllTextAsync(Target("x")));
        Assert.Equal(["file one", "inner"], Directory.GetFiles(Target(".psync/trash")).Select(File.ReadAllText).Order());
    }

    [Fact]
    public async Task SymlinkLoops_SyncAsLinksAndTheScanEnds()
    {
        await using var pair = Create();
        await pair.StartAsync();
        File.CreateSymbolicLink(pair.L("a"), "b");
        File.CreateSymbolicLink(pair.L("b"), "a");
        Directory.CreateDirectory(pair.L("d"));
        File.CreateSymbolicLink(pair.L("d/up"), "..");
        File.CreateSymbolicLink(pair.L("d/self"), ".");
        File.CreateSymbolicLink(pair.L("d/loop"), "../d");
        File.CreateSymbolicLink(pair.R("r"), "r");
        await pair.WaitConvergedAsync();

        // A restart scans both trees from scratch: a scan that followed a link would not end, or list more.
        await pair.StopAsync();
        await pair.RestartAsync();
        await pair.WaitConvergedAsync();

        foreach (var (link, target) in new[] { ("a", "b"), ("b", "a"), ("d/up", ".."), ("d/self", "."), ("d/loop", "../d"), ("r", "r") })
        {
            Assert.Equal(target, new FileInfo(pair.L(link)).LinkTarget);
            Assert.Equal(target, new FileInfo(pair.R(link)).LinkTarget);
        }
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Reconcile && e.Detail.StartsWith("scanned 7 left, 7 right", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SymlinksOutOfTheRoot_SyncAsLinksAndNothingOutsideIsReadOrWritten()
    {
        await using var pair = Create();
        var outside = Directory.CreateDirectory(Path.Combine(pair.Dir, "outside")).FullName;
        var secret = Path.Combine(outside, "secret.txt");
        await File.WriteAllTextAsync(secret, Secret);
        var before = File.GetLastWriteTimeUtc(secret);
        await pair.StartAsync();

        File.CreateSymbolicLink(pair.L("etc"), "/etc");
        File.CreateSymbolicLink(pair.L("up"), "../outside");
        File.CreateSymbolicLink(pair.L("secret-link"), "../outside/secret.txt");
        Directory.CreateDirectory(pair.L("d"));
        File.CreateSymbolicLink(pair.L("d/out"), "../../outside");
        File.CreateSymbolicLink(pair.R("r-out"), "../outside");
        await pair.WaitConvergedAsync();

        // Writes into a directory that the other side meanwhile swapped for a link out of the root.
        Directory.CreateDirectory(pair.L("sub"));
        await File.WriteAllTextAsync(pair.L("sub/a"), "a");
        await pair.WaitConvergedAsync();
        Directory.Delete(pair.R("sub"), recursive: true);
        File.CreateSymbolicLink(pair.R("sub"), "../outside");
        await File.WriteAllTextAsync(pair.L("sub/new.txt"), "new");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));

        foreach (var (link, target) in new[] { ("etc", "/etc"), ("up", "../outside"), ("secret-link", "../outside/secret.txt"), ("d/out", "../../outside"), ("r-out", "../outside") })
        {
            Assert.Equal(target, new FileInfo(pair.L(link)).LinkTarget);
            Assert.Equal(target, new FileInfo(pair.R(link)).LinkTarget);
        }
        Assert.Equal(["secret.txt"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName));
        Assert.Equal(Secret, await File.ReadAllTextAsync(secret));
        Assert.Equal(before, File.GetLastWriteTimeUtc(secret));
        var noLinks = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var root in new[] { pair.Left, pair.Right })
        {
            Assert.DoesNotContain(Directory.EnumerateFiles(root, "*", noLinks), f => File.ReadAllText(f).Contains(Secret, StringComparison.Ordinal));
        }
        // The new file is not lost: one side's directory keeps the name, the link lives on as a conflict copy.
        Assert.Equal("new", await File.ReadAllTextAsync(pair.R("sub/new.txt")));
    }

    [Fact]
    public async Task FifoSocketAndDevice_AreSkippedWithAReasonAndTheRestSyncs()
    {
        await using var pair = Create();
        await pair.StartAsync();
        RawFs.MakeNode(pair.Left, "fifo", 0x1000);
        RawFs.MakeNode(pair.Left, "null-dev", 0x2000, (1 << 8) | 3);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(pair.L("sock")));
        RawFs.MakeNode(pair.Right, "right-fifo", 0x1000);
        await File.WriteAllTextAsync(pair.L("after.txt"), "after");

        string[] specials = ["fifo", "null-dev", "sock", "right-fifo"];
        await PairHarness.WaitUntilAsync(
            () => File.Exists(pair.R("after.txt")) && specials.All(s => pair.Pair.History.Any(e => e.Kind == EventKind.Skip && e.Path == s)) && pair.Pair.Status.IsIdle,
            TimeSpan.FromSeconds(5), "the special files to be skipped", () => Explain(pair));

        Assert.All(pair.Pair.History.Where(e => specials.Contains(e.Path)), e => Assert.Equal(EventKind.Skip, e.Kind));
        Assert.Contains("FIFOs", pair.Pair.History.First(e => e.Path == "fifo").Detail);
        Assert.False(Path.Exists(pair.R("fifo")) || Path.Exists(pair.R("null-dev")) || Path.Exists(pair.R("sock")) || Path.Exists(pair.L("right-fifo")));
        await File.WriteAllTextAsync(pair.R("later.txt"), "later");
        await PairHarness.WaitUntilAsync(() => File.Exists(pair.L("later.txt")), PairHarness.Converge, "the pair to go on syncing", () => Explain(pair));
    }

    [Fact]
    public async Task RootDeletedWhileRunning_PausesThePair()
    {
        await using var pair = Create();
        await pair.StartAsync();
        await File.WriteAllTextAsync(pair.L("f"), "x");
        await pair.WaitConvergedAsync();

        Directory.Delete(pair.Right, recursive: true);

        await PairHarness.WaitUntilAsync(() => pair.Pair.Status.State == PairState.Paused, PairHarness.Converge, "the pair to pause", () => Explain(pair));
        Assert.Contains("right root", pair.Pair.Status.Reason);
        Assert.Equal("x", await File.ReadAllTextAsync(pair.L("f")));
    }

    [Fact]
    public async Task RootReplacedByFile_PausesThePairAndTouchesNothing()
    {
        await using var pair = Create();
        await pair.StartAsync();
        await File.WriteAllTextAsync(pair.L("f"), "x");
        await pair.WaitConvergedAsync();

        Directory.Delete(pair.Right, recursive: true);
        await File.WriteAllTextAsync(pair.Right, "a file now");

        await PairHarness.WaitUntilAsync(() => pair.Pair.Status.State == PairState.Paused, PairHarness.Converge, "the pair to pause", () => Explain(pair));
        Assert.Contains("right root", pair.Pair.Status.Reason);
        Assert.Equal("x", await File.ReadAllTextAsync(pair.L("f")));
        Assert.Equal("a file now", await File.ReadAllTextAsync(pair.Right));
        Assert.Empty(Directory.GetFiles(pair.L(".psync/trash")));
    }

    [Fact]
    public async Task NoSpaceOnTheTarget_IsAClearErrorAndTheFileArrivesOnceThereIsRoom()
    {
        using var tmpfs = Tmpfs.Mount("4m");
        var right = Directory.CreateDirectory(Path.Combine(tmpfs.Dir, "root")).FullName;
        var filler = Path.Combine(tmpfs.Dir, "filler");
        await File.WriteAllBytesAsync(filler, new byte[3 * 1024 * 1024]);
        await using var pair = Create(o => o with { RightRoot = right });
        await pair.StartAsync();
        var big = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var hash = SHA256.HashData(big);

        await File.WriteAllBytesAsync(pair.L("big.bin"), big);
        await PairHarness.WaitUntilAsync(
            () => pair.Pair.History.Any(e => e.Kind == EventKind.Error && e.Detail.Contains("No space left on device", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the pair to report the full disk", () => Explain(pair));
        await File.WriteAllTextAsync(pair.L("small.txt"), "small");
        await PairHarness.WaitUntilAsync(() => File.Exists(pair.R("small.txt")), TimeSpan.FromSeconds(10), "a small file to still arrive", () => Explain(pair));

        Assert.Equal(hash, SHA256.HashData(await File.ReadAllBytesAsync(pair.L("big.bin"))));
        Assert.False(Path.Exists(pair.R("big.bin")));
        Assert.DoesNotContain(PairHarness.Snapshot(pair.Right).Keys, k => k.Contains("big", StringComparison.Ordinal));
        Assert.NotEqual(PairState.Error, pair.Pair.Status.State);

        File.Delete(filler);
        await PairHarness.WaitUntilAsync(() => File.Exists(pair.R("big.bin")), TimeSpan.FromSeconds(30), "big.bin to arrive once there is room", () => Explain(pair));
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(hash, SHA256.HashData(await File.ReadAllBytesAsync(pair.R("big.bin"))));
        Assert.Empty(Directory.GetFileSystemEntries(pair.R(".psync/stage")));
        // The batch's error says it; the remote rsync's exit status is for the log, not a second event.
        Assert.DoesNotContain(pair.Pair.History, e => e.Kind == EventKind.Warning && e.Detail.Contains("--server exited", StringComparison.Ordinal));
    }
}

/// <summary>
/// Files and directories the right side cannot read. The tests run as root, which reads anything,
/// so the right host here is an sshd whose sessions (agent and rsync) run without
/// CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: root there is held to the mode bits like any owner.
/// </summary>
public sealed class UnreadableInputTests : IAsyncLifetime
{
    private readonly SshdFixture _sshd = new()
    {
        Launcher = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all", "--"],
    };

    public Task InitializeAsync() => _sshd.InitializeAsync();

    public Task DisposeAsync() => _sshd.DisposeAsync();

    private static string Explain(PairHarness pair) => $"status {pair.Pair.Status}; history:\n{string.Join('\n', pair.Pair.History.TakeLast(30))}";

    [Fact]
    public async Task UnreadableFile_IsAClearErrorAndArrivesOnceReadable()
    {
        await using var pair = PairHarness.CreateRemote(_sshd);
        await pair.StartAsync();
        await using (var locked = new FileStream(pair.R("locked.txt"), new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.None }))
        {
            await locked.WriteAsync("locked"u8.ToArray());
        }
        await File.WriteAllTextAsync(pair.R("ok.txt"), "ok");

        await PairHarness.WaitUntilAsync(
            () => File.Exists(pair.L("ok.txt")) && pair.Pair.History.Any(e => e.Kind == EventKind.Error && e.Detail.Contains("Permission denied", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the unreadable file to be reported", () => Explain(pair));
        Assert.False(Path.Exists(pair.L("locked.txt")));
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Error && e.Path == "locked.txt");
        Assert.NotEqual(PairState.Error, pair.Pair.Status.State);

        File.SetUnixFileMode(pair.R("locked.txt"), UnixFileMode.UserRead);
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("locked", await File.ReadAllTextAsync(pair.L("locked.txt")));
    }

    [Fact]
    public async Task UnreadableDirectory_ItsFilesAreNotDeletedAndWritesIntoItAreAClearError()
    {
        await using var pair = PairHarness.CreateRemote(_sshd);
        await pair.StartAsync();
        Directory.CreateDirectory(pair.L("locked"));
        await File.WriteAllTextAsync(pair.L("locked/inner.txt"), "inner");
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(5));

        File.SetUnixFileMode(pair.R("locked"), UnixFileMode.None);
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(5)); // the mode syncs like any mode
        // A restart scans both trees: the right scan cannot list locked/, which is not the same as empty.
        await pair.StopAsync();
        await pair.RestartAsync();
        await File.WriteAllTextAsync(pair.L("locked/new.txt"), "new");
        await File.WriteAllTextAsync(pair.L("after.txt"), "after");

        await PairHarness.WaitUntilAsync(
            () => File.Exists(pair.R("after.txt")) && pair.Pair.History.Any(e => e.Kind == EventKind.Error && e.Path == "locked/new.txt" && e.Detail.Contains("Permission denied", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the write into the unreadable directory to be reported", () => Explain(pair));
        Assert.Contains(pair.Pair.History, e => e.Kind == EventKind.Warning && e.Path == "locked");
        Assert.Equal("inner", await File.ReadAllTextAsync(pair.L("locked/inner.txt")));
        Assert.Equal("new", await File.ReadAllTextAsync(pair.L("locked/new.txt")));
        Assert.Equal("inner", await File.ReadAllTextAsync(pair.R("locked/inner.txt")));
        Assert.NotEqual(PairState.Error, pair.Pair.Status.State);
    }
}
