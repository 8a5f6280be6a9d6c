using System.Net;
using System.Net.Http.Json;
using Psync.Web.Hosts;

namespace Psync.Web.Tests.Api;

/// <summary>Hosts through the REST API.</summary>
internal static class HostsApi
{
    /// <summary>A host for <paramref name="sshd"/> (or another port on loopback) logging in with its client key.</summary>
    public static async Task<HostResource> CreateHostAsync(this HttpClient client, SshdFixture sshd, string name, int? port = null)
    {
        var request = new { name, address = "127.0.0.1", port = port ?? sshd.Port, user = Environment.UserName, privateKey = await File.ReadAllTextAsync(sshd.Ed25519Key) };
        using var response = await client.PostAsJsonAsync("/api/v1/hosts", request);
        return await response.ReadAsync<HostResource>(HttpStatusCode.Created);
    }

    /// <summary>A host for <paramref name="sshd"/> with its key trusted, and a pair between <paramref name="left"/> and <paramref name="right"/> there, idle after its first sync.</summary>
    public static async Task<Psync.Web.Pairs.PairResource> CreateIdleRemotePairAsync(this HttpClient client, SshdFixture sshd, string name, string left, string right)
    {
        var host = await client.CreateHostAsync(sshd, name);
        Assert.True((await client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/trust", new { fingerprint = sshd.HostKeyFingerprint })).Trusted);
        using var create = await client.PostAsJsonAsync("/api/v1/pairs", new { name, leftRoot = left, rightRoot = right, hostId = host.Id });
        var pair = await create.ReadAsync<Psync.Web.Pairs.PairResource>(HttpStatusCode.Created);
        return await client.WaitForStateAsync(pair.Id, "idle");
    }

    public static async Task<HostResource> GetHostAsync(this HttpClient client, int id)
    {
        using var response = await client.GetAsync($"/api/v1/hosts/{id}");
        return await response.ReadAsync<HostResource>(HttpStatusCode.OK);
    }

    /// <summary>POSTs <paramref name="body"/> (none when null), asserts 200 and reads the answer.</summary>
    public static async Task<T> PostOkAsync<T>(this HttpClient client, string url, object? body = null)
    {
        using var response = body is null ? await client.PostAsync(url, null) : await client.PostAsJsonAsync(url, body);
        return await response.ReadAsync<T>(HttpStatusCode.OK);
    }
}
