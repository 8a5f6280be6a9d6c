using Bunit;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Shared;

public sealed class SparklineTests : IAsyncLifetime
{
    private readonly BunitContext _context = MudContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void Render_Values_DrawsALineAndNamesThePeak()
    {
        // Act
        var cut = _context.Render<Sparkline>(p => p.Add(c => c.Values, [0, 1024, 3 * 1024 * 1024, 0]));

        // Assert
        Assert.NotEmpty(cut.FindAll(".psync-sparkline svg path.mud-chart-line"));
        Assert.Equal("last hour, peak 3.0 MiB/s", cut.Find(".psync-sparkline").GetAttribute("title"));
    }

    [Fact]
    public void Render_NoValues_SaysSo()
    {
        // Act
        var cut = _context.Render<Sparkline>(p => p.Add(c => c.Values, []));

        // Assert
        Assert.Equal("no activity recorded", cut.Find(".psync-sparkline").GetAttribute("title"));
    }
}
