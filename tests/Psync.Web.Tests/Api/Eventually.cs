using System.Diagnostics;

namespace Psync.Web.Tests.Api;

/// <summary>Waits for a condition with a deadline: polls with a short delay, then fails saying what it waited for.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan deadline, string what, Func<string>? explain = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > deadline)
            {
                Assert.Fail($"waited {deadline.TotalSeconds:F1}s for {what}{(explain is null ? "" : ": " + explain())}");
            }
            await Task.Delay(Poll);
        }
    }

    public static Task WaitAsync(Func<bool> condition, TimeSpan deadline, string what, Func<string>? explain = null) =>
        WaitAsync(() => Task.FromResult(condition()), deadline, what, explain);

    /// <summary>Polls <paramref name="probe"/> until it returns a value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan deadline, string what, Func<string>? explain = null)
        where T : class
    {
        T? value = null;
        await WaitAsync(async () => (value = await probe()) is not null, deadline, what, explain);
        return value!;
    }
}
