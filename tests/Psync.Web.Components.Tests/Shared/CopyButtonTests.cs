using Bunit;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Shared;

public sealed class CopyButtonTests : IAsyncDisposable
{
    private readonly BunitContext _context = MudContext.Create();

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Click_CopiesTheValueExactly()
    {
        // Arrange
        var copy = _context.JSInterop.SetupVoid("navigator.clipboard.writeText", "SHA256:aBcD/eF+gH").SetVoidResult();
        var cut = _context.Render<CopyButton>(p => p.Add(c => c.Value, "SHA256:aBcD/eF+gH").Add(c => c.What, "fingerprint"));

        // Act
        await cut.Find("button").ClickAsync(new());

        // Assert
        Assert.Single(copy.Invocations);
        Assert.Equal("copy fingerprint", cut.Find("button").GetAttribute("aria-label"));
    }
}
