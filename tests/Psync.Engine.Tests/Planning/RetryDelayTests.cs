using Psync.Engine.Sync;

namespace Psync.Engine.Tests.Planning;

/// <summary>A path that keeps failing (a full disk, an unreadable file) is tried again for as long as it fails, at most 5 minutes apart.</summary>
public sealed class RetryDelayTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(6, 32)]
    [InlineData(9, 256)]
    [InlineData(10, 300)]
    [InlineData(1000, 300)]
    public void RetryDelay_DoublesUpToFiveMinutes_AndNeverGivesUp(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ResultHandler.RetryDelay(failures));
}
