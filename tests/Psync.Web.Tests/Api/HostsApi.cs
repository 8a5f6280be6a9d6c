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
