using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Psync.Web.Auth;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Pages;

public sealed class SettingsTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();
    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Render_AdminExists_ListsAdminInUsersTable()
    {
        // Arrange
        var accounts = _host.Context.Services.GetRequiredService<Accounts>();
        var admin = await accounts.CreateAsync("admin", "correct horse battery", Role.Admin);
        await accounts.CreateAsync("operator", "another long password", Role.Operator);
        _host.SignIn(Role.Admin, admin.Id, admin.UserName);

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
