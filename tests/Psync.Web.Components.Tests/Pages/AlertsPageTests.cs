using System.Net;
using System.Net.Sockets;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Psync.Web.Alerts;
using Psync.Web.Audit;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Tests.Support;

namespace Psync.Web.Components.Tests.Pages;

public sealed class AlertsPageTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private AlertStore Store => _host.Context.Services.GetRequiredService<AlertStore>();

    [Fact]
    public async Task Render_ChannelAndRule_ListedWithWhatTheyDo()
    {
        // Arrange
        var (channel, _) = await Store.SaveChannelAsync(null, new ChannelRequest("ops-hook", "webhook", "http://127.0.0.1:9/hook"));
        await Store.SaveRuleAsync(null, new RuleRequest("host-unreachable", null, 5, [channel!.Id]));

        // Act
        var cut = _host.Context.Render<AlertsPage>();

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Contains("ops-hook", cut.Find("#channels").TextContent, StringComparison.Ordinal);
            var rule = cut.Find("#rules").TextContent;
            Assert.Contains("host unreachable", rule, StringComparison.Ordinal);
            Assert.Contains("after 5 min", rule, StringComparison.Ordinal);
            Assert.Contains("every pair", rule, StringComparison.Ordinal);
        }, PsyncTestHost.Deadline);
    }

    [Fact]
    public async Task SendTest_NothingListening_DeliveryListedAsFailed()
    {
        // Arrange
        await Store.SaveChannelAsync(null, new ChannelRequest("dead-hook", "webhook", $"http://127.0.0.1:{FreePort()}/"));
        var cut = _host.Context.Render<AlertsPage>();
        await cut.WaitForAssertionAsync(() => Assert.Contains("dead-hook", cut.Find("#channels").TextContent, StringComparison.Ordinal), PsyncTestHost.Deadline);

        // Act
        await cut.Find("#channels button[aria-label='send test']").ClickAsync(new());

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            var row = cut.Find("#deliveries tbody tr").TextContent;
            Assert.Contains("Psync: test alert", row, StringComparison.Ordinal);
            Assert.Contains("failed", row, StringComparison.Ordinal);
        }, PsyncTestHost.Deadline);
    }

    [Fact]
    public async Task AuditLogPage_Entries_ListedNewestFirstAndFilteredByAction()
    {
        // Arrange
        var audit = _host.Context.Services.GetRequiredService<AuditLog>();
        await audit.RecordAsync(AuditAction.PairPaused, "pair 1 (docs)");
        await audit.RecordAsync(AuditAction.HostDeleted, "host 2 (nas)");

        // Act
        var cut = _host.Context.Render<AuditLogPage>();

        // Assert
        await cut.WaitForAssertionAsync(() =>
        {
            var rows = cut.FindAll("#audit tbody tr");
            Assert.Equal(2, rows.Count);
            Assert.Contains("host-deleted", rows[0].TextContent, StringComparison.Ordinal);
            Assert.Contains("system", rows[1].TextContent, StringComparison.Ordinal);
        }, PsyncTestHost.Deadline);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
