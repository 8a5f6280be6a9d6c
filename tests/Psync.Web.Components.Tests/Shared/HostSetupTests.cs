using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Psync.Tests;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Hosts;

namespace Psync.Web.Components.Tests.Shared;

/// <summary>The host step of the wizard against a real sshd: a key with a passphrase, and what Test tells about the host.</summary>
public sealed class HostSetupTests : IAsyncLifetime
{
    private readonly PsyncTestHost _host = new();
    private readonly SshdFixture _sshd = new();

    public async Task InitializeAsync()
    {
        await _sshd.InitializeAsync();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sshd.DisposeAsync();
    }

    [Fact]
    public async Task TestConnection_TrustedHostWithPassphraseKey_ShowsSystemCpuKernelRsyncInotifyAndTheAgentBundle()
    {
        // Arrange
        var hosts = _host.Context.Services.GetRequiredService<HostService>();
        var (saved, errors) = await hosts.SaveAsync(null, new HostRequest("pi", "127.0.0.1", _sshd.Port, Environment.UserName,
            await File.ReadAllTextAsync(_sshd.EncryptedKey), Passphrase: SshdFixture.Passphrase));
        Assert.Empty(errors);
        Assert.True((await hosts.TrustAsync(saved!.Id, _sshd.HostKeyFingerprint))!.Trusted);
        var cut = _host.Context.Render<HostSetup>(p => p.Add(c => c.HostId, saved.Id));
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("#host-test")), PsyncTestHost.Deadline);

        // Act
        await cut.Find("#host-test").ClickAsync(new());

        // Assert
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("#host-facts")), PsyncTestHost.Deadline);
        var rows = cut.Find("#host-facts").QuerySelectorAll("tr").ToDictionary(r => r.QuerySelector("th")!.TextContent, r => r.QuerySelector("td")!.TextContent);
        Assert.Contains($"kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}", rows["System"], StringComparison.Ordinal);
        Assert.Equal("x86_64", rows["Architecture"]);
        Assert.Matches(@"^\d+\.\d+\.\d+", rows["rsync"]);
        Assert.Matches(@"^[\d,]+ watches, [\d,]+ instances per user$", rows["inotify"]);
        Assert.StartsWith("Agent to deploy: linux-x64, version ", cut.Find("#host-agent-bundle").TextContent, StringComparison.Ordinal);
    }
}
