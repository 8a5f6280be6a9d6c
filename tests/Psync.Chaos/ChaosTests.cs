using Xunit.Abstractions;

namespace Psync.Chaos;

/// <summary>The short chaos run CI holds: 60 s of random work on both sides of an ssh pair with a fault every 3–6 s.</summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ShortChaosRun_LosesNoVersion_AndConverges()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PSYNC_CHAOS_SEED"), out var s) ? s : Environment.TickCount;
        var log = new StringWriter();
        var result = await ChaosRun.RunAsync(new ChaosOptions { Seed = seed, Duration = TimeSpan.FromSeconds(60) }, log);
        var report = Report.Markdown(result);
        output.WriteLine(log.ToString());
        output.WriteLine(report);

        Assert.True(result.Passed, $"{report}\nThe run's folders (engine.log, both trees) are kept in {result.WorkDir}; replay with --seed {seed}.");
        Assert.True(result.Faults.Values.Sum() >= 8, $"only {result.Faults.Values.Sum()} faults were injected");
        Assert.True(result.Operations.Values.Sum() >= 300, $"only {result.Operations.Values.Sum()} operations were executed");
        Directory.Delete(result.WorkDir, recursive: true);
    }
}
