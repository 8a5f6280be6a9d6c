using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Psync.Tests;
using Psync.Web.Components.Shared;
using Psync.Web.Components.Tests.Support;
using Psync.Web.Hosts;

namespace Psync.Web.Components.Tests.Shared;

/// <summary>Trusting a host's key in the host form, against a real sshd: the fingerprint's case kept, and a second entry for the same sshd trusted by the first one's pin.</summary>
public sealed class HostTrustTests : IAsyncLifetime
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

    private HostService Hosts => _host.Context.Services.GetRequiredService<HostService>();

    [Fact]
    public async Task Trust_UnknownKey_ButtonKeepsTheFingerprintsCase_ThenASecondEntryForTheSameSshdIsTrustedAndDeployable()
    {
        // Arrange
        var first = await SaveAsync("first");
        var cut = _host.Context.Render<HostSetup>(p => p.Add(c => c.HostId, first.Id));
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("#host-test")), PsyncTestHost.Deadline);
        Assert.True(cut.Find("#host-deploy").HasAttribute("disabled"));

        // Act
        await cut.Find("#host-test").ClickAsync(new());

        // Assert: MudButton uppercases its text unless told not to; the fingerprint is case-sensitive.
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("#host-trust")), PsyncTestHost.Deadline);
        Assert.Contains("text-transform: none", cut.Find("#host-trust").GetAttribute("style"), StringComparison.Ordinal);
        Assert.Equal(_sshd.HostKeyFingerprint, cut.Find("#host-trust-fingerprint").TextContent);
        await cut.Find("#host-trust").ClickAsync(new());
        await cut.WaitForAssertionAsync(() => Assert.Equal(_sshd.HostKeyFingerprint, cut.Find("#host-pinned .psync-path").TextContent), PsyncTestHost.Deadline);

        // Act: another entry for the same sshd.
        var second = await SaveAsync("second");
        var again = _host.Context.Render<HostSetup>(p => p.Add(c => c.HostId, second.Id));

        // Assert: pinned (the one pin for that address and port), so Deploy is offered.
        await again.WaitForAssertionAsync(() => Assert.Equal(_sshd.HostKeyFingerprint, again.Find("#host-pinned .psync-path").TextContent), PsyncTestHost.Deadline);
        Assert.False(again.Find("#host-deploy").HasAttribute("disabled"));
        Assert.Equal(_sshd.HostKeyFingerprint, second.PinnedFingerprint);
    }

    private async Task<HostResource> SaveAsync(string name)
    {
        var (host, errors) = await Hosts.SaveAsync(null, new HostRequest(name, "127.0.0.1", _sshd.Port, Environment.UserName, await File.ReadAllTextAsync(_sshd.Ed25519Key)));
        Assert.Empty(errors);
        return host!;
    }
}
