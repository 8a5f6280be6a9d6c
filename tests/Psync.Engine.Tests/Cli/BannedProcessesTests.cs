using Psync.Cli;

namespace Psync.Engine.Tests.Cli;

/// <summary>-b against a fake /proc.</summary>
public sealed class BannedProcessesTests : IDisposable
{
    private readonly string _proc = Directory.CreateTempSubdirectory("psync-proc-").FullName;

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    private void AddProcess(int pid, string comm, string cmdline)
    {
        var dir = Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "comm"), comm + "\n");
        File.WriteAllText(Path.Combine(dir, "cmdline"), cmdline);
    }

    [Fact]
    public void FindRunning_NameInComm_FindsIt()
    {
        // Arrange
        AddProcess(10, "bash", "/bin/bash\0-l\0");
        AddProcess(20, "rsnapshot", "/usr/bin/perl\0/usr/bin/rsnapshot\0");

        // Act
        var found = BannedProcesses.FindRunning(["rsnapshot"], _proc, selfPid: 1);

        // Assert
        Assert.Equal(new RunningProcess(20, "rsnapshot"), found);
    }

    [Fact]
    public void FindRunning_LongNameOnlyInArgv0_FindsIt()
    {
        // Arrange: comm keeps 15 characters
        AddProcess(30, "very-long-backu", "/opt/bin/very-long-backup-tool\0--now\0");

        // Act
        var found = BannedProcesses.FindRunning(["very-long-backup-tool"], _proc, selfPid: 1);

        // Assert
        Assert.Equal(30, found?.Pid);
    }

    [Fact]
    public void FindRunning_OnlyItselfOrOthers_FindsNothing()
    {
        // Arrange
        AddProcess(40, "backup", "backup\0");
        AddProcess(41, "bash", "/bin/bash\0backup\0");
        Directory.CreateDirectory(Path.Combine(_proc, "self"));

        // Act
        var found = BannedProcesses.FindRunning(["backup"], _proc, selfPid: 40);

        // Assert
        Assert.Null(found);
    }

    [Fact]
    public void FindRunning_NoNames_FindsNothing()
    {
        // Arrange
        AddProcess(50, "backup", "backup\0");

        // Act
        var found = BannedProcesses.FindRunning([], _proc, selfPid: 1);

        // Assert
        Assert.Null(found);
    }
}
