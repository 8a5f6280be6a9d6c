using System.Net;
using System.Net.Http.Json;
using Psync.Web.Pairs;

namespace Psync.Web.Tests.Api;

/// <summary>Pairs through the REST API, and waits on what they do.</summary>
internal static class PairsApi
{
    /// <summary>How long a pair gets to start, sync a file or settle.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Asserts the status (showing the body when it differs) and reads the body.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var value = await response.Content.ReadFromJsonAsync<T>();
        Assert.NotNull(value);
        return value;
    }

    public static async Task<PairResource> CreatePairAsync(this HttpClient client, string name, string left, string right)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/pairs", new { name, leftRoot = left, rightRoot = right });
        return await response.ReadAsync<PairResource>(HttpStatusCode.Created);
    }

    /// <summary>Creates a pair and waits until its first reconcile is done.</summary>
    public static async Task<PairResource> CreateIdlePairAsync(this HttpClient client, string name, string left, string right)
    {
        var pair = await client.CreatePairAsync(name, left, right);
        return await client.WaitForStateAsync(pair.Id, "idle");
    }

    public static async Task<PairResource> GetPairAsync(this HttpClient client, int id)
    {
        using var response = await client.GetAsync($"/api/v1/pairs/{id}");
        return await response.ReadAsync<PairResource>(HttpStatusCode.OK);
    }

    public static async Task<PairResource> WaitForStateAsync(this HttpClient client, int id, string state)
    {
        PairResource? last = null;
        await Eventually.WaitAsync(async () => (last = await client.GetPairAsync(id)).Status.State == state, Deadline,
            $"pair {id} to be {state}", () => $"it is {last?.Status.State} ({last?.Status.Reason})");
        return last!;
    }

    public static async Task<IReadOnlyList<EventResource>> EventsAsync(this HttpClient client, int id, string query = "")
    {
        using var response = await client.GetAsync($"/api/v1/pairs/{id}/events{query}");
        return await response.ReadAsync<List<EventResource>>(HttpStatusCode.OK);
    }

    /// <summary>Waits until the pair's history holds a <paramref name="kind"/> event for <paramref name="path"/> and returns it.</summary>
    public static async Task<EventResource> WaitForEventAsync(this HttpClient client, int id, string kind, string path)
    {
        IReadOnlyList<EventResource> last = [];
        return await Eventually.ValueAsync(async () => (last = await client.EventsAsync(id, $"?kind={kind}&path={Uri.EscapeDataString(path)}"))
                .FirstOrDefault(e => e.Path == path), Deadline,
            $"a {kind} event for {path} in pair {id}'s history", () => string.Join("; ", last.Select(e => $"{e.Kind} {e.Path}")));
    }

    /// <summary>Waits until <paramref name="path"/> exists with <paramref name="content"/>.</summary>
    public static Task WaitForFileAsync(string path, string content) =>
        Eventually.WaitAsync(() => File.Exists(path) && ReadOrNull(path) == content, Deadline, $"{path} to hold '{content}'",
            () => File.Exists(path) ? $"it holds '{ReadOrNull(path)}'" : "it does not exist");

    /// <summary>The names in <paramref name="dir"/>, without psync's own .psync folder.</summary>
    public static string[] Names(string dir) =>
        [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Where(n => n != ".psync").Order(StringComparer.Ordinal)!];

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null; // being written
        }
    }
}
