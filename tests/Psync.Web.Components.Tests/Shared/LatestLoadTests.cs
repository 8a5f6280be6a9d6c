using Psync.Web.Components.Shared;

namespace Psync.Web.Components.Tests.Shared;

/// <summary>"The latest load wins": answers that come back out of order never replace a later load's.</summary>
public sealed class LatestLoadTests
{
    private readonly LatestLoad _loads = new();

    [Fact]
    public async Task AnswerOfAnOvertakenLoad_IsDropped_EvenWhenItComesLast()
    {
        // Arrange: the left trash is asked for, then the right one.
        var left = new TaskCompletionSource<string>();
        var right = new TaskCompletionSource<string>();
        var first = _loads.RunAsync(() => left.Task);
        var second = _loads.RunAsync(() => right.Task);

        // Act: the right answers first, the left last.
        right.SetResult("right");
        var shown = await second;
        Assert.False(_loads.Busy);
        left.SetResult("left");

        // Assert
        Assert.Equal((true, "right"), shown);
        Assert.Equal((false, null), await first);
    }

    [Fact]
    public async Task ErrorOfAnOvertakenLoad_IsDropped_TheLatestOnesIsThrown()
    {
        // Arrange
        var old = new TaskCompletionSource<string>();
        var latest = new TaskCompletionSource<string>();
        var first = _loads.RunAsync(() => old.Task);
        var second = _loads.RunAsync(() => latest.Task);

        // Act
        old.SetException(new InvalidOperationException("the agent of the side left"));
        latest.SetException(new InvalidOperationException("the agent of the side shown"));

        // Assert
        Assert.Equal((false, null), await first);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.Equal("the agent of the side shown", e.Message);
        Assert.False(_loads.Busy);
    }

    [Fact]
    public async Task Busy_WhileTheLatestLoadIsOut()
    {
        var answer = new TaskCompletionSource<int>();
        var load = _loads.RunAsync(() => answer.Task);
        Assert.True(_loads.Busy);

        answer.SetResult(7);

        Assert.Equal((true, 7), await load);
        Assert.False(_loads.Busy);
    }
}
