using System.Globalization;

namespace Psync.Native.Tests;

public abstract class CinotifyLifecycleTests(CinotifyLaunch launch)
{
    [Fact]
    public async Task WatchLimit_TreeNeedsMoreWatches_ReportedAndKeepsRunning()
    {
        using var tree = new TempTree();
        foreach (var dir in new[] { "a", "b", "c", "d" })
        {
            Directory.CreateDirectory(tree.In(dir));
        }
        var environment = new Dictionary<string, string> { ["CINOTIFY_MAX_WATCHES"] = "3" };
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch, environment);

        var limit = await cinotify.WaitForAsync(r => r.Event == "WATCH_LIMIT", CinotifyProcess.DefaultTimeout, "WATCH_LIMIT");
        Directory.CreateDirectory(tree.In("e"));
        File.WriteAllText(tree.In("later"), "x");

        Assert.Equal("3", limit.ArgText);
        Assert.True(limit.IsDir);
        await cinotify.WaitForAsync(r => r.Is("WATCH_LIMIT", "e") && r.ArgText == "3", CinotifyProcess.DefaultTimeout, "WATCH_LIMIT e");
        await cinotify.WaitForAsync("WRITE", "later");
        var records = cinotify.Records;
        Assert.Equal("3", records.Single(r => r.Event == "READY").ArgText);
        Assert.Equal(2, records.Count(r => r.Event == "WATCH_LIMIT" && r.PathText != "e"));
    }

    [Fact]
    public async Task Overflow_QueueExceededWhileStopped_OverflowReported()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.In("flood"));
        var max = int.Parse(File.ReadAllText("/proc/sys/fs/inotify/max_queued_events").Trim(), CultureInfo.InvariantCulture);
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        Libc.Signal(cinotify.Pid, Libc.SigStop);
        try
        {
            for (var i = 0; i < max + 2000; i++)
            {
                File.Create(tree.In($"flood/{i}")).Dispose();
            }
        }
        finally
        {
            Libc.Signal(cinotify.Pid, Libc.SigCont);
        }

        var overflow = await cinotify.WaitForAsync(r => r.Event == "OVERFLOW", TimeSpan.FromSeconds(20), "OVERFLOW");
        // The limit comes from /proc/sys, which an empty root does not have: cinotify then says "?".
        Assert.Equal(launch == CinotifyLaunch.EmptyRoot ? "?" : max.ToString(CultureInfo.InvariantCulture), overflow.ArgText);
        Assert.Equal("", overflow.PathText);
        // Still watching after the overflow.
        File.WriteAllText(tree.In("flood/after"), "x");
        await cinotify.WaitForAsync("WRITE", "flood/after");
    }

    [Fact]
    public async Task RootGone_RootDeleted_ReportedAndExitsThree()
    {
        using var tree = new TempTree();
        Directory.CreateDirectory(tree.In("sub"));
        File.WriteAllText(tree.In("sub/f"), "x");
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        Directory.Delete(tree.Root, recursive: true);

        await cinotify.WaitForAsync(r => r.Event == "ROOT_GONE", CinotifyProcess.DefaultTimeout, "ROOT_GONE");
        Assert.Equal(3, await cinotify.WaitForExitAsync(CinotifyProcess.DefaultTimeout));
    }

    [Fact]
    public async Task RootGone_RootDeletedWhileHeldOpen_ReportedAtOnce()
    {
        // The agent keeps a descriptor on its root, which delays the root's own IN_DELETE_SELF
        // until that descriptor closes; the parent's IN_DELETE must report it anyway.
        using var tree = new TempTree();
        using var holder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { WorkingDirectory = tree.Root })!;
        try
        {
            await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

            Directory.Delete(tree.Root, recursive: true);

            await cinotify.WaitForAsync(r => r.Event == "ROOT_GONE", CinotifyProcess.DefaultTimeout, "ROOT_GONE");
            Assert.Equal(3, await cinotify.WaitForExitAsync(CinotifyProcess.DefaultTimeout));
        }
        finally
        {
            holder.Kill();
        }
    }

    [Fact]
    public async Task RootGone_RootMoved_ReportedAndExitsThree()
    {
        using var tree = new TempTree();
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        Directory.Move(tree.Root, tree.Out("moved-root"));

        await cinotify.WaitForAsync(r => r.Event == "ROOT_GONE", CinotifyProcess.DefaultTimeout, "ROOT_GONE");
        Assert.Equal(3, await cinotify.WaitForExitAsync(CinotifyProcess.DefaultTimeout));
    }

    [Fact]
    public async Task Stdin_Closed_ExitsZero()
    {
        using var tree = new TempTree();
        await using var cinotify = await CinotifyProcess.StartAsync(tree, launch);

        cinotify.CloseInput();

        Assert.Equal(0, await cinotify.WaitForExitAsync(TimeSpan.FromSeconds(5)));
    }
}

public sealed class NativeCinotifyLifecycleTests() : CinotifyLifecycleTests(CinotifyLaunch.Native);

public sealed class EmptyRootCinotifyLifecycleTests() : CinotifyLifecycleTests(CinotifyLaunch.EmptyRoot);

public sealed class QemuArm64CinotifyLifecycleTests() : CinotifyLifecycleTests(CinotifyLaunch.QemuArm64);
