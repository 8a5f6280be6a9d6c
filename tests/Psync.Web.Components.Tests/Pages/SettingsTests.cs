using System.Globalization;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Psync.Web.Auth;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Pages;

public sealed class SettingsTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();
    private readonly BunitAuthorizationContext _auth;

    public SettingsTests() => _auth = _host.Context.AddAuthorization();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Render_AdminExists_ListsAdminInUsersTable()
    {
        // Arrange
        var accounts = _host.Context.Services.GetRequiredService<Accounts>();
        var admin = await accounts.CreateAsync("admin", "correct horse battery");
        await accounts.CreateAsync("operator", "another long password");
        _auth.SetAuthorized("admin");
        _auth.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, admin.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, admin.UserName));

        // Act
        var cut = _host.Context.Render<Settings>();

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            var users = cut.Find(".mud-simple-table").QuerySelectorAll("tbody tr");
            Assert.Equal(["admin", "operator"], users.Select(r => r.QuerySelector("td")!.TextContent.Trim()));
        }, PsyncTestHost.Deadline);
        Assert.Contains(_host.Root, cut.Find(".psync-path").TextContent, StringComparison.Ordinal);
    }
}
