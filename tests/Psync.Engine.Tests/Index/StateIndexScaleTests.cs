using System.Diagnostics;
using Psync.Protocol;
using Xunit.Abstractions;
using static Psync.Engine.Tests.Index.TempIndex;

namespace Psync.Engine.Tests.Index;

public sealed class StateIndexScaleTests(ITestOutputHelper output) : IDisposable
{
    private const int Entries = 1_000_000;

    private readonly TempIndex _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Put_MillionEntriesInOneBatch_EnumeratesAllInOrder()
    {
        // Arrange
        using var index = _temp.Open();
        var peakBefore = PeakWorkingSetMiB();
        var clock = Stopwatch.StartNew();

        // Act
        using (var batch = index.Begin())
        {
            // A stride coprime with the count visits every i once, in scattered order, without a
            // million strings in memory.
            for (long j = 0; j < Entries; j++)
            {
                var i = (int)(j * 7_919 % Entries);
                index.Put(FileEntry($"d{i % 1_000:D3}/f{i:D7}", size: i, ino: (ulong)i));
            }
            batch.Commit();
        }
        var inserted = clock.Elapsed;
        clock.Restart();
        var count = 0;
        string? previous = null;
        var ordered = true;
        foreach (var entry in index.Enumerate())
        {
            ordered &= previous is null || PathOrder.Instance.Compare(previous, entry.Path) < 0;
            previous = entry.Path;
            count++;
        }
        var walked = clock.Elapsed;

        // Assert
        output.WriteLine(
            $"{Entries:N0} entries: insert {inserted.TotalSeconds:F1} s, enumerate {walked.TotalSeconds:F1} s, " +
            $"peak working set {PeakWorkingSetMiB()} MiB ({peakBefore} MiB before), managed heap {GC.GetTotalMemory(false) / 1_048_576} MiB, " +
            $"file {new FileInfo(_temp.DatabasePath).Length / 1_048_576} MiB");
        Assert.Equal(Entries, count);
        Assert.True(ordered);
        Assert.Equal("d999/f0999999", previous);
        Assert.Equal(Entries, index.Count());
    }

    private static long PeakWorkingSetMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1_048_576;
    }
}
