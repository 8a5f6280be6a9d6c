using System.Net;
using System.Net.Http.Json;
using Psync.Web.Hosts;

namespace Psync.Web.Tests.Api;

/// <summary>Hosts against a real sshd. Only one test here trusts its key: pinned keys are shared by every host with that address and port.</summary>
public sealed class RemoteHostTests(RemoteAppFactory app, SshdFixture sshd) : IClassFixture<RemoteAppFactory>, IClassFixture<SshdFixture>
{
    [Fact]
    public async Task TestAndTrust_RealSshd_PinsOnlyTheConfirmedFingerprint()
    {
        var host = await app.Client.CreateHostAsync(sshd, "sshd");
        var fingerprint = sshd.HostKeyFingerprint;

        var unknown = await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/test");
        Assert.Equal((true, false, fingerprint), (unknown.Reachable, unknown.Trusted, unknown.Fingerprint));
        Assert.Contains(fingerprint, unknown.Message, StringComparison.Ordinal);

        var wrong = await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/trust", new { fingerprint = "SHA256:" + Convert.ToBase64String(new byte[32]).TrimEnd('=') });
        Assert.Equal((true, false, fingerprint), (wrong.Reachable, wrong.Trusted, wrong.Fingerprint));
        Assert.Null((await app.Client.GetHostAsync(host.Id)).PinnedFingerprint);
        Assert.False((await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/test")).Trusted);

        var trusted = await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/trust", new { fingerprint });
        Assert.Equal((true, true, fingerprint), (trusted.Reachable, trusted.Trusted, trusted.Fingerprint));

        var tested = await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/test");
        Assert.True(tested.Trusted && tested.Reachable, tested.Message);
        Assert.Equal(fingerprint, tested.Fingerprint);
        Assert.Equal(fingerprint, (await app.Client.GetHostAsync(host.Id)).PinnedFingerprint);
    }

    [Fact]
    public async Task CreateHost_PastedKey_StoredEncrypted()
    {
        var host = await app.Client.CreateHostAsync(sshd, "pasted");

        Assert.Equal((true, null), (host.HasKey, host.PublicKey));
        var keyBody = (await File.ReadAllLinesAsync(sshd.Ed25519Key))[1];
        var stored = await Database.CellsAsync(app.Database, "Hosts");
        Assert.DoesNotContain(stored, cell => cell.Value.Contains("PRIVATE KEY", StringComparison.Ordinal) || cell.Value.Contains(keyBody, StringComparison.Ordinal));
        Assert.DoesNotContain(keyBody, Database.FilesText(app.Database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trust_NoFingerprint_400Problem()
    {
        var host = await app.Client.CreateHostAsync(sshd, "no-fingerprint");

        using var response = await app.Client.PostAsJsonAsync($"/api/v1/hosts/{host.Id}/trust", new { fingerprint = " " });

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Deploy_HostUnreachable_502Problem()
    {
        var host = await app.Client.CreateHostAsync(sshd, "deploy-unreachable", port: SshdFixture.FreePort());

        using var response = await app.Client.PostAsync($"/api/v1/hosts/{host.Id}/deploy", null);

        await Problem.AssertAsync(response, HttpStatusCode.BadGateway);
    }
}
