using Psync.Engine.Planning;
using Psync.Engine.Sync;
using Psync.Engine.Transfer;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>How a batch is cut into rsync runs (<see cref="BatchTransfer.Runs"/>) and how each asks rsync to run: no agents.</summary>
public sealed class BatchRunsTests
{
    private static readonly FileState SmallFile = new(EntryKind.File, 100, 1_000, 0x1A4, 1, 1, null);
    private static readonly FileState Folder = new(EntryKind.Directory, 0, 1_000, 0x1ED, 2, 1, null);

    /// <summary><paramref name="count"/> new folders of <paramref name="files"/> files each (a tree is the folder and its files).</summary>
    private static List<NewTree> Trees(int count, int files) =>
        [.. Enumerable.Range(0, count).Select(d => new NewTree(
            new MkdirAction(new PathWork($"d{d:D3}"), Side.Right, Folder),
            [.. Enumerable.Range(0, files).Select(f => new TransferAction(new PathWork($"d{d:D3}/f{f:D4}"), Side.Right, SmallFile, Expect.Absent))]))];

    private static List<TransferAction> Files(int count, long size = 100) =>
        [.. Enumerable.Range(0, count).Select(f => new TransferAction(new PathWork($"f{f:D5}"), Side.Right, SmallFile with { Size = size }, Expect.Absent))];

    private static int[] Sizes(IEnumerable<BatchTransfer.Run> runs) => [.. runs.Select(r => r.Size)];

    /// <summary>A run of new files and folders (no delta basis).</summary>
    private static BatchTransfer.Run Run(List<TransferAction> files, List<NewTree> trees) => new(files, trees, Basis: false);

    /// <summary><paramref name="tree"/> with its file number i of <c>size(i)</c> bytes.</summary>
    private static NewTree Resized(NewTree tree, Func<int, long> size) =>
        new(tree.Root, [.. tree.Members.Cast<TransferAction>().Select((t, i) => t with { Source = t.Source with { Size = size(i) } })]);

    [Fact]
    public void PageOfNewFolders_TwoWaves_TheSecondAThirdOfTheFirst_NoFolderCut()
    {
        // 80 folders of 249 files and the folder itself: 20,000 entries, as a reconcile page of a first sync.
        var trees = Trees(80, 249);

        var runs = BatchTransfer.Runs([], trees, basis: false, streams: 2, transferRun: 10_000).ToList();

        // The first two runs (at most 6,667 entries each) stage together; the smaller ones follow as each ends.
        Assert.Equal([6_500, 6_500, 3_250, 3_250, 500], Sizes(runs));
        Assert.Equal(trees, runs.SelectMany(r => r.Trees));
        Assert.All(runs, r => Assert.False(r.Basis));
    }

    [Fact]
    public void FilesAlone_OneWaveSharedEvenly_EveryFileOnceInOrder()
    {
        // Files are committed while their rsync runs: a second wave would only cost more starts.
        var files = Files(6_000);

        var runs = BatchTransfer.Runs(files, [], basis: true, streams: 2, transferRun: 10_000).ToList();

        Assert.Equal([3_000, 3_000], Sizes(runs));
        Assert.Equal(files, runs.SelectMany(r => r.Transfers));
        Assert.All(runs, r => Assert.True(r.Basis));
    }

    [Theory]
    [InlineData(11, 2, 10_000, new[] { 1_250, 1_250, 250 })] // the second wave's runs would get fewer than 500 entries
    [InlineData(120, 2, 10_000, new[] { 10_000, 10_000, 10_000 })] // more than one wave of full runs anyway
    [InlineData(24, 1, 10_000, new[] { 6_000 })] // one stream (a bandwidth limit): one run at a time, none to overlap
    public void NewFolders_OneWave_WhereASecondCannotPay(int folders, int streams, int transferRun, int[] sizes)
    {
        // Folders of 249 files and the folder itself.
        var runs = BatchTransfer.Runs([], Trees(folders, 249), basis: false, streams, transferRun);

        Assert.Equal(sizes, Sizes(runs));
    }

    [Fact]
    public void ProgressLines_OnlyWhereARunMayLast()
    {
        // Small files: their early commits are their progress; a file of 1 MiB or more shows its own.
        Assert.False(Run(Files(5_000), []).ProgressLines(remote: true, limited: true));
        Assert.True(Run([.. Files(10), .. Files(1, size: 1 << 20)], []).ProgressLines(remote: false, limited: false));
        // Folders placed whole commit only after rsync: 6,000 files of 100 bytes on this host end soon,
        // unless a limit holds; over ssh the link may be slow.
        Assert.False(Run([], Trees(24, 249)).ProgressLines(remote: false, limited: false));
        Assert.True(Run([], Trees(24, 249)).ProgressLines(remote: false, limited: true));
        Assert.True(Run([], Trees(24, 249)).ProgressLines(remote: true, limited: false));
        // 64 MiB or more, or one big file, may take a while here too.
        NewTree Sized(long size) => Resized(Trees(1, 100)[0], _ => size);
        Assert.False(Run([], [Sized(600 << 10)]).ProgressLines(remote: false, limited: false)); // 60 MB of files under 1 MiB
        Assert.True(Run([], [Sized(700 << 10)]).ProgressLines(remote: false, limited: false)); // 70 MB
        Assert.True(Run([], [Sized(1 << 20)]).ProgressLines(remote: false, limited: false));
    }

    [Fact]
    public void InPlace_OnlyForFoldersPlacedWholeOfSmallFiles_WithoutTheUsersRsyncArguments()
    {
        var big = Resized(Trees(1, 3)[0], i => i == 0 ? 1 << 20 : SmallFile.Size);

        Assert.True(Run([], Trees(3, 100)).InPlace([]));
        // Files alone are committed while rsync runs: each must appear whole.
        Assert.False(Run(Files(100), []).InPlace([]));
        Assert.False(Run(Files(1), Trees(3, 100)).InPlace([]));
        // A big file keeps its holes (--sparse, which old rsync refuses beside --inplace).
        Assert.False(Run([], [big]).InPlace([]));
        // The user's arguments may not go with it (--delay-updates, --partial-dir, --sparse).
        Assert.False(Run([], Trees(3, 100)).InPlace(["--delay-updates"]));
        // A folder whose run failed before is staged the usual way, which commits what arrived.
        var retried = Trees(3, 100);
        retried[1].Members[7].Work.Attempts = 1;
        Assert.False(Run([], retried).InPlace([]));
    }

    [Fact]
    public void RsyncArguments_InPlace_WriteUnderTheFilesOwnNames_WithoutSparse()
    {
        var (source, target) = (new RsyncEndpoint("/src"), new RsyncEndpoint("/dst"));

        var inPlace = Rsync.Arguments(source, target, "b1", [], basis: false, progress: false, inPlace: true);
        var staged = Rsync.Arguments(source, target, "b1", [], basis: false, progress: false);

        Assert.Contains("--inplace", inPlace);
        Assert.DoesNotContain("--sparse", inPlace);
        Assert.Contains("--sparse", staged);
        Assert.DoesNotContain("--inplace", staged);
    }
}
