using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Psync.Web.Components.Pages;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Logs;

namespace Psync.Web.Components.Tests.Pages;

/// <summary>The app log page and its level switch, and the recent changes of all pairs.</summary>
public sealed class LogAndChangesTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();

    public Task InitializeAsync()
    {
        _host.Context.Services.AddSingleton<MemoryLog>();
        return _host.StartAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void LogPage_KeptLines_NewestFirst()
    {
        // Arrange
        var log = _host.Context.Services.GetRequiredService<MemoryLog>();
        log.Add(LogLevel.Information, "Psync.First", "the first line");
        log.Add(LogLevel.Warning, "Psync.Second", "the second line");

        // Act
        var cut = _host.Context.Render<LogPage>();

        // Assert
        Assert.Equal(["the second line", "the first line"], cut.FindAll(".psync-log-message").Select(m => m.TextContent));
        Assert.Equal(["Warning", "Information"], cut.FindAll(".psync-log-level").Select(m => m.TextContent));
    }

    [Fact]
    public void LevelSwitch_Debug_LetsDebugLinesThroughEveryProviderAtRuntime()
    {
        // Arrange: the app's configuration says Information, as appsettings.json does.
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging(logging => logging
            .AddConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LogLevel:Default"] = "Information" }).Build())
            .AddPsyncMemoryLog());
        using var provider = services.BuildServiceProvider();
        var log = provider.GetRequiredService<MemoryLog>();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Psync.Test");

        // Act
        logger.LogDebug("hidden at Information");
        logger.LogInformation("shown at Information");
        log.MinimumLevel = LogLevel.Debug;
        logger.LogDebug("shown at Debug");
        log.MinimumLevel = LogLevel.Warning;
        logger.LogInformation("hidden at Warning");

        // Assert
        Assert.Equal(["shown at Debug", "shown at Information"], log.Lines.Select(l => l.Message));
    }

    [Fact]
    public async Task ChangesPage_TwoPairs_EventsOfBothNewestFirst()
    {
        // Arrange
        var first = await _host.CreateLocalPairAsync("first");
        var second = await _host.CreateLocalPairAsync("second");

        // Act
        var cut = _host.Context.Render<ChangesPage>();

        // Assert: each pair's first reconcile is recorded; the page shows both, newest first, and updates live.
        await cut.WaitForAssertionAsync(() =>
        {
            var pairs = cut.FindAll(".psync-change-pair").Select(p => p.TextContent).ToList();
            Assert.Contains("first", pairs);
            Assert.Contains("second", pairs);
        }, PsyncTestHost.Deadline);
        var times = cut.FindAll(".psync-changes tbody tr td:first-child").Select(t => t.TextContent).ToList();
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);
        Assert.Equal($"/pairs/{first.Id}", cut.FindAll(".psync-change-pair").First(p => p.TextContent == "first").GetAttribute("href"));
        Assert.NotEqual(first.Id, second.Id);
    }
}
