namespace Psync.Engine.Tests.Sync;

/// <summary>A small batch is committed file by file while rsync still runs, not after it exits.</summary>
public sealed class EarlyCommitTests
{
    [Fact]
    public async Task SmallFileBeforeABigOne_IsInPlaceWhileRsyncStillWritesTheBigOne()
    {
        await using var pair = PairHarness.Create();
        await File.WriteAllTextAsync(pair.L("a-small"), "small");
        await using (var big = File.Create(pair.L("b-big")))
        {
            big.SetLength(256L << 20);
        }
        var stage = pair.R(".psync/stage");
        var seen = false;
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && !seen)
            {
                // rsync writes b-big under a temp name (.b-big.XXXXXX) in the stage folder until it is complete.
                seen = File.Exists(pair.R("a-small")) && Directory.Exists(stage)
                    && Directory.EnumerateFiles(stage, ".b-big.*", SearchOption.AllDirectories).Any();
                await Task.Delay(1);
            }
        });

        // Both files are there before the start: the first reconcile sends them in one batch.
        await pair.StartAsync();
        await pair.WaitConvergedAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await watch;

        Assert.True(seen, $"a-small was not in place while b-big was still being written\n{string.Join('\n', pair.Pair.History)}");
        Assert.Equal(1, pair.Pair.Counters.RsyncRuns);
    }
}
