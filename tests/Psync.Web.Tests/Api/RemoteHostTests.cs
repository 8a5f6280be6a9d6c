using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Psync.Tests;
using Psync.Web.Hosts;

namespace Psync.Web.Tests.Api;

/// <summary>The app with the published NativeAOT agent (when there is one) as the agent to deploy.</summary>
public sealed class RemoteAppFactory : PsyncAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (AgentFactAttribute.PublishedAgent is { } agent)
        {
            builder.UseSetting("Engine:AgentPath", agent);
        }
    }
}

public sealed class RemoteHostTests(RemoteAppFactory app, SshdFixture sshd) : IClassFixture<RemoteAppFactory>, IClassFixture<SshdFixture>
{
    [Fact]
    public async Task TestAndTrust_RealSshd_PinsOnlyTheConfirmedFingerprint()
    {
        var host = await CreateHostAsync("sshd");
        var fingerprint = sshd.HostKeyFingerprint;

        var unknown = await PostAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/test", null);
        Assert.Equal((true, false, fingerprint), (unknown.Reachable, unknown.Trusted, unknown.Fingerprint));
        Assert.Contains(fingerprint, unknown.Message, StringComparison.Ordinal);

        var wrong = await PostAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/trust", new { fingerprint = "SHA256:" + Convert.ToBase64String(new byte[32]).TrimEnd('=') });
        Assert.Equal((true, false, fingerprint), (wrong.Reachable, wrong.Trusted, wrong.Fingerprint));
        Assert.Null((await GetHostAsync(host.Id)).PinnedFingerprint);
        Assert.False((await PostAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/test", null)).Trusted);

        var trusted = await PostAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/trust", new { fingerprint });
        Assert.Equal((true, true, fingerprint), (trusted.Reachable, trusted.Trusted, trusted.Fingerprint));

        var tested = await PostAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/test", null);
        Assert.True(tested.Trusted && tested.Reachable, tested.Message);
        Assert.Equal(fingerprint, tested.Fingerprint);
        Assert.Equal(fingerprint, (await GetHostAsync(host.Id)).PinnedFingerprint);
    }

    [Fact]
    public async Task CreateHost_PastedKey_StoredEncrypted()
    {
        var host = await CreateHostAsync("pasted");

        Assert.Equal((true, null), (host.HasKey, host.PublicKey));
        var keyBody = (await File.ReadAllLinesAsync(sshd.ClientKey))[1];
        var stored = await Database.CellsAsync(app.Database, "Hosts");
        Assert.DoesNotContain(stored, cell => cell.Value.Contains("PRIVATE KEY", StringComparison.Ordinal) || cell.Value.Contains(keyBody, StringComparison.Ordinal));
        Assert.DoesNotContain(keyBody, Database.FilesText(app.Database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trust_NoFingerprint_400Problem()
    {
        var host = await CreateHostAsync("no-fingerprint");

        using var response = await app.Client.PostAsJsonAsync($"/api/v1/hosts/{host.Id}/trust", new { fingerprint = " " });

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [AgentFact]
    public async Task Deploy_TrustedHost_InstallsTheAgentAndListsTheSteps()
    {
        var agent = RepoFiles.PublishedAgent();
        var host = await CreateHostAsync("deploy");
        Assert.True((await PostAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/trust", new { fingerprint = sshd.HostKeyFingerprint })).Trusted);

        var first = await PostAsync<DeployResult>($"/api/v1/hosts/{host.Id}/deploy", null);
        var again = await PostAsync<DeployResult>($"/api/v1/hosts/{host.Id}/deploy", null);

        Assert.NotEmpty(first.Steps);
        Assert.StartsWith("connecting to 127.0.0.1", first.Steps[0], StringComparison.Ordinal);
        Assert.StartsWith("installed agent", first.Result, StringComparison.Ordinal);
        Assert.Contains(sshd.Home, first.Result, StringComparison.Ordinal);
        Assert.StartsWith("agent ", again.Result, StringComparison.Ordinal);
        Assert.Contains("already", again.Result, StringComparison.Ordinal);
        var installed = Directory.GetFiles(sshd.Home, "psync-agent", SearchOption.AllDirectories);
        Assert.Equal(new FileInfo(agent).Length, new FileInfo(Assert.Single(installed)).Length);
    }

    [Fact]
    public async Task Deploy_HostUnreachable_502Problem()
    {
        var host = await CreateHostAsync("deploy-unreachable", port: SshdFixture.FreePort());

        using var response = await app.Client.PostAsync($"/api/v1/hosts/{host.Id}/deploy", null);

        await Problem.AssertAsync(response, HttpStatusCode.BadGateway);
    }

    private async Task<HostResource> CreateHostAsync(string name, int? port = null)
    {
        var request = new { name, address = "127.0.0.1", port = port ?? sshd.Port, user = Environment.UserName, privateKey = await File.ReadAllTextAsync(sshd.ClientKey) };
        using var response = await app.Client.PostAsJsonAsync("/api/v1/hosts", request);
        return await response.ReadAsync<HostResource>(HttpStatusCode.Created);
    }

    private async Task<HostResource> GetHostAsync(int id)
    {
        using var response = await app.Client.GetAsync($"/api/v1/hosts/{id}");
        return await response.ReadAsync<HostResource>(HttpStatusCode.OK);
    }

    private async Task<T> PostAsync<T>(string url, object? body)
    {
        using var response = body is null ? await app.Client.PostAsync(url, null) : await app.Client.PostAsJsonAsync(url, body);
        return await response.ReadAsync<T>(HttpStatusCode.OK);
    }
}
