using Bunit;
using MudBlazor;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Shared;

public sealed class StatusChipTests : IAsyncLifetime
{
    private readonly BunitContext _context = MudContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Theory]
    [InlineData("idle", "success")]
    [InlineData("syncing", "info")]
    [InlineData("reconciling", "info")]
    [InlineData("starting", "info")]
    [InlineData("paused", "warning")]
    [InlineData("waiting", "secondary")]
    [InlineData("error", "error")]
    [InlineData("stopped", "default")]
    public void Render_State_ShowsStateInItsColor(string state, string color)
    {
        // Arrange, Act
        var cut = _context.Render<StatusChip>(p => p.Add(c => c.State, state));

        // Assert
        var chip = cut.Find(".psync-status");
        Assert.Equal(state, chip.GetAttribute("data-state"));
        Assert.Equal(state, chip.TextContent.Trim());
        Assert.Contains($"mud-chip-color-{color}", chip.ClassList);
    }

    [Theory]
    [InlineData("idle", Color.Success)]
    [InlineData("syncing", Color.Info)]
    [InlineData("paused", Color.Warning)]
    [InlineData("error", Color.Error)]
    [InlineData("stopped", Color.Default)]
    [InlineData("something new", Color.Default)]
    public void ColorOf_State_MapsToColor(string state, Color expected)
    {
        // Act
        var color = StatusChip.ColorOf(state);

        // Assert
        Assert.Equal(expected, color);
    }
}
