using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Psync.Web.Alerts;
using Psync.Web.Auth;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Pages;

/// <summary>Every delete on the settings and alerts pages asks first: cancel keeps it, confirm removes it.</summary>
public sealed class ConfirmDeleteTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task DeleteUser_CancelledThenConfirmed_KeptThenGone()
    {
        // Arrange
        var accounts = _host.Context.Services.GetRequiredService<Accounts>();
        var admin = await accounts.CreateAsync("admin", "correct horse battery", Role.Admin);
        var other = await accounts.CreateAsync("leaving", "another long password", Role.Operator);
        _host.SignIn(Role.Admin, admin.Id, admin.UserName);
        var cut = WithProviders.Render<Settings>(_host.Context, new Dictionary<string, object?>());
        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[aria-label='delete user']").Count), PsyncTestHost.Deadline);

        // Act: cancel
        await AnswerAsync(cut, () => cut.FindAll("[aria-label='delete user']")[1].ClickAsync(new()), "#confirm-cancel");

        // Assert
        Assert.NotNull(await accounts.FindAsync(other.Id));

        // Act: confirm
        await AnswerAsync(cut, () => cut.FindAll("[aria-label='delete user']")[1].ClickAsync(new()), "#confirm-ok", "leaving is signed out everywhere");

        // Assert
        Assert.Null(await accounts.FindAsync(other.Id));
    }

    [Fact]
    public async Task DeleteRule_Confirmed_Gone()
    {
        // Arrange
        var alerts = _host.Context.Services.GetRequiredService<AlertStore>();
        var (rule, errors) = await alerts.SaveRuleAsync(null, new RuleRequest("pair-error", null, 5, []));
        Assert.Empty(errors);
        Assert.NotNull(rule);
        var cut = WithProviders.Render<AlertsPage>(_host.Context, new Dictionary<string, object?>());
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[aria-label='delete rule']")), PsyncTestHost.Deadline);

        // Act
        await AnswerAsync(cut, () => cut.Find("[aria-label='delete rule']").ClickAsync(new()), "#confirm-ok", "No alert is sent any more");

        // Assert
        Assert.Empty(await alerts.RulesAsync());
    }

    /// <summary>Clicks, waits for the confirm dialog (saying <paramref name="says"/>), answers with <paramref name="button"/>, and waits for the click to finish.</summary>
    private static async Task AnswerAsync(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> cut, Func<Task> click, string button, string? says = null)
    {
        var clicking = click();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll(button)), PsyncTestHost.Deadline);
        if (says is not null)
        {
            Assert.Contains(says, cut.Find("#confirm-text").TextContent, StringComparison.Ordinal);
        }
        await cut.Find(button).ClickAsync(new());
        await clicking;
        await cut.WaitForAssertionAsync(() => Assert.Empty(cut.FindAll(".psync-confirm")), PsyncTestHost.Deadline);
    }
}
