using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Shared;

public sealed class ConfirmDialogTests : IAsyncDisposable
{
    private readonly BunitContext _context = MudContext.Create();

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    [Theory]
    [InlineData("#confirm-ok", true)]
    [InlineData("#confirm-cancel", false)]
    public async Task ConfirmAsync_ButtonClicked_AnswersWhetherConfirmed(string button, bool expected)
    {
        // Arrange
        var cut = _context.Render<MudDialogProvider>();
        var dialogs = _context.Services.GetRequiredService<IDialogService>();

        // Act
        var answer = cut.InvokeAsync(() => dialogs.ConfirmAsync("Delete the pair docs?", "What happens:", "Delete pair", ["both trees stay", "the index goes"]));
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll(button)));

        // Assert: the text, the list and the action's own name, then the answer.
        Assert.Contains("Delete the pair docs?", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("What happens:", cut.Find("#confirm-text").TextContent.Trim());
        Assert.Equal(["both trees stay", "the index goes"], cut.FindAll(".psync-confirm-items li").Select(li => li.TextContent));
        Assert.Equal("Delete pair", cut.Find("#confirm-ok").TextContent.Trim());
        await cut.Find(button).ClickAsync(new());
        Assert.Equal(expected, await answer);
        await cut.WaitForAssertionAsync(() => Assert.Empty(cut.FindAll(".psync-confirm")));
    }
}
