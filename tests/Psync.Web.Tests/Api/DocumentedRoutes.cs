using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Psync.Web.Tests.Api;

/// <summary>The operations the generated OpenAPI document lists, so tests cover every route, including ones added later.</summary>
public static partial class DocumentedRoutes
{
    public sealed record Route(string Method, string Path, bool HasBody)
    {
        /// <summary>The path with every {placeholder} set to 1.</summary>
        public string Url => Placeholder().Replace(Path, "1");
    }

    public static async Task<List<Route>> ListAsync(HttpClient client)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        return [.. document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation =>
                new Route(operation.Name.ToUpperInvariant(), path.Name, operation.Value.TryGetProperty("requestBody", out _))))];
    }

    /// <summary>
    /// Sends each body to every documented route that takes one; asserts that there are at least
    /// ten such routes and that every answer is <paramref name="expected"/> as ProblemDetails.
    /// </summary>
    public static async Task AssertEveryRouteWithABodyAnswersAsync(HttpClient client, HttpStatusCode expected, params Func<HttpContent>[] bodies)
    {
        var routes = (await ListAsync(client)).Where(r => r.HasBody).ToList();
        var failures = new List<string>();
        foreach (var route in routes)
        {
            foreach (var body in bodies)
            {
                using var content = body();
                var sent = content.Headers.ContentLength is < 100 ? await content.ReadAsStringAsync() : $"{content.Headers.ContentLength} bytes";
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Url) { Content = content };
                // The server may refuse a body before reading it (413): with 100-continue the client
                // waits for its answer instead of writing into a connection the server has closed.
                request.Headers.ExpectContinue = true;
                using var response = await client.SendAsync(request);
                if (response.StatusCode != expected || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{route.Method} {route.Url} with {sent}: {(int)response.StatusCode} {response.Content.Headers.ContentType}");
                }
            }
        }
        Assert.True(routes.Count >= 10, $"only {routes.Count} routes with a body documented");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    public static partial Regex Placeholder();
}
