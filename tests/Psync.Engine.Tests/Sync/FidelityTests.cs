using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Tests.Sync;

/// <summary>A file-server replica keeps owners, sparse files and hard links: local pair (as root, as CI runs).</summary>
public sealed class FidelityTests : FidelityTestsBase
{
    private protected override PairHarness Create() => PairHarness.Create();
}

/// <summary>The same over ssh (a real sshd on loopback, the remote agent as root).</summary>
public sealed class RemoteFidelityTests(SshdFixture sshd) : FidelityTestsBase, IClassFixture<SshdFixture>
{
    private protected override PairHarness Create() => PairHarness.CreateRemote(sshd);
}

public abstract class FidelityTestsBase : PairTestBase
{

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task Chown_OnOneSide_ArrivesWithNoDataSent(Side side)
    {
        Assert.True(Lstat.IsRoot, "owner tests run as root");
        await File.WriteAllTextAsync(At(side, "owned.txt"), "payroll");
        Directory.CreateDirectory(At(side, "dept"));
        Lstat.Chown(At(side, "owned.txt"), 1234, 2345);
        await Harness.WaitConvergedAsync();
        Assert.Equal("1234:2345", Lstat.Of(At(side.Other(), "owned.txt")).Owner);
        var sent = Harness.Pair.Counters.FilesTransferred;

        Lstat.Chown(At(side, "owned.txt"), 4321, 5432);
        Lstat.Chown(At(side, "dept"), 4321, 5432);
        await Harness.WaitConvergedAsync();

        Assert.Equal("4321:5432", Lstat.Of(At(side.Other(), "owned.txt")).Owner);
        Assert.Equal("4321:5432", Lstat.Of(At(side.Other(), "dept")).Owner);
        Assert.Equal(sent, Harness.Pair.Counters.FilesTransferred);
        Assert.Contains(Harness.Pair.History, e => e.Kind == EventKind.Attr && e.Path == "owned.txt" && e.Target == side.Other());
    }

    [Fact]
    public async Task NewDirectory_KeepsItsOwner()
    {
        Directory.CreateDirectory(Harness.L("team"));
        Lstat.Chown(Harness.L("team"), 1234, 2345);
        await File.WriteAllTextAsync(Harness.L("team/plan.txt"), "x");
        await Harness.WaitConvergedAsync();

        Assert.Equal("1234:2345", Lstat.Of(Harness.R("team")).Owner);
    }

    [Fact]
    public async Task ChownOnBothSides_TheNewerWins_TheOtherIsRecorded()
    {
        await File.WriteAllTextAsync(Harness.L("both.txt"), "x");
        await Harness.WaitConvergedAsync();

        Harness.Pair.Pause("both sides change");
        await PairHarness.WaitUntilAsync(() => Harness.Pair.Status.State == PairState.Paused, TimeSpan.FromSeconds(5), "the pause");
        Lstat.Chown(Harness.L("both.txt"), 1111, 1111);
        // The right's change is the newer one: its ctime past the left's (timestamps have a coarse tick).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        do
        {
            await Task.Delay(1);
            Lstat.Chown(Harness.R("both.txt"), 2222, 2222);
        }
        while (Lstat.Of(Harness.R("both.txt")).CtimeNs <= Lstat.Of(Harness.L("both.txt")).CtimeNs && DateTime.UtcNow < deadline);
        Harness.Pair.Resume();
        await Harness.WaitConvergedAsync();

        Assert.Equal("2222:2222", Lstat.Of(Harness.L("both.txt")).Owner);
        Assert.Contains(Harness.Pair.History, e => e.Kind == EventKind.Attr && e.Path == "both.txt" && e.Detail.Contains("the right ones (newer) win; the left had mode 644, owner 1111:1111", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SparseFile_StaysSparse()
    {
        await using (var file = File.Create(Harness.L("disk.img")))
        {
            file.SetLength(64L << 20);
            file.Position = 32L << 20;
            file.WriteByte(1);
        }
        await Harness.WaitConvergedAsync(TimeSpan.FromSeconds(20));

        var right = Lstat.Of(Harness.R("disk.img"));
        Assert.Equal(64UL << 20, right.Size);
        Assert.True(right.Blocks * 512 < (1UL << 20), $"{right.Blocks * 512} bytes allocated for a 64 MiB file with one byte of data");
    }

    [Fact]
    public async Task HardLinkedNames_WrittenTogether_StayOneFile()
    {
        Harness.Pair.Pause("write both names first");
        await PairHarness.WaitUntilAsync(() => Harness.Pair.Status.State == PairState.Paused, TimeSpan.FromSeconds(5), "the pause");
        await File.WriteAllTextAsync(Harness.L("report.txt"), "shared content");
        Lstat.HardLink(Harness.L("report.txt"), Harness.L("report-link.txt"));
        Harness.Pair.Resume();
        await Harness.WaitConvergedAsync();

        var (a, b) = (Lstat.Of(Harness.R("report.txt")), Lstat.Of(Harness.R("report-link.txt")));
        Assert.Equal(a.Inode, b.Inode);
        Assert.Equal(2u, a.Links);
    }
}

/// <summary>Extended attributes and POSIX ACLs, when the pair keeps them (-X -A): local pair.</summary>
public sealed class XattrTests : XattrTestsBase
{
    private protected override PairHarness Create() => PairHarness.Create(o => o with { Xattrs = XattrScope.Xattrs | XattrScope.Acls });
}

/// <summary>The same over ssh.</summary>
public sealed class RemoteXattrTests(SshdFixture sshd) : XattrTestsBase, IClassFixture<SshdFixture>
{
    private protected override PairHarness Create() => PairHarness.CreateRemote(sshd, o => o with { Xattrs = XattrScope.Xattrs | XattrScope.Acls });
}

public abstract class XattrTestsBase : PairTestBase
{

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task XattrAndAcl_SetOnAnExistingFile_ArriveWithNoDataSent(Side side)
    {
        await File.WriteAllTextAsync(At(side, "doc.txt"), "minutes");
        await Harness.WaitConvergedAsync();
        var sent = Harness.Pair.Counters.FilesTransferred;

        Tool("setfattr", "-n", "user.DOSATTRIB", "-v", "archive", At(side, "doc.txt"));
        Tool("setfacl", "-m", "u:1234:rw", At(side, "doc.txt"));
        await UntilSameAsync("doc.txt");

        Assert.True(Tool("getfattr", "-d", At(side.Other(), "doc.txt")).Contains("user.DOSATTRIB=\"archive\"", StringComparison.Ordinal),
            $"{Tool("getfattr", "-d", At(side, "doc.txt"))}\n{string.Join('\n', Harness.Pair.History.TakeLast(10))}");
        Assert.Contains("user:1234:rw-", Tool("getfacl", "-c", At(side.Other(), "doc.txt")), StringComparison.Ordinal);
        Assert.Equal(sent, Harness.Pair.Counters.FilesTransferred);

        Tool("setfattr", "-x", "user.DOSATTRIB", At(side, "doc.txt"));
        await UntilSameAsync("doc.txt");
        Assert.DoesNotContain("DOSATTRIB", Tool("getfattr", "-d", At(side.Other(), "doc.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewFileAndDirectory_ArriveWithTheirAclsAndXattrs()
    {
        Directory.CreateDirectory(Harness.L("share"));
        Tool("setfacl", "-d", "-m", "g:2345:rwx", Harness.L("share"));
        await File.WriteAllTextAsync(Harness.L("share/new.txt"), "x"); // inherits the default ACL
        Tool("setfattr", "-n", "user.origin", "-v", "scanner", Harness.L("share/new.txt"));
        await UntilSameAsync("share/new.txt");
        await UntilSameAsync("share");

        Assert.Contains("default:group:2345:rwx", Tool("getfacl", "-c", Harness.R("share")), StringComparison.Ordinal);
        Assert.Contains("group:2345:rwx", Tool("getfacl", "-c", Harness.R("share/new.txt")), StringComparison.Ordinal);
        Assert.Contains("user.origin=\"scanner\"", Tool("getfattr", "-d", Harness.R("share/new.txt")), StringComparison.Ordinal);
    }

    /// <summary>Waits until both sides list the same extended attributes (ACLs included) for <paramref name="rel"/> and the pair is idle.</summary>
    private async Task UntilSameAsync(string rel)
    {
        string Of(string path) => Path.Exists(path)
            ? Tool("getfattr", "-d", "-m", "-", "--absolute-names", path).Replace(path, "", StringComparison.Ordinal)
            : $"({path} not there yet)";
        await PairHarness.WaitUntilAsync(
            () => Of(Harness.L(rel)) == Of(Harness.R(rel)) && Harness.Pair.Status.State == PairState.Idle,
            TimeSpan.FromSeconds(10), $"the attributes of {rel} to agree",
            () => $"left {Of(Harness.L(rel))} right {Of(Harness.R(rel))}; history:\n{string.Join('\n', Harness.Pair.History.TakeLast(20))}");
    }

    private static string Tool(string name, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{name} {string.Join(' ', args)}: {errors}");
        return output;
    }
}
