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

    [GeneratedRegex(@"\{[^}]+\}")]
    public static partial Regex Placeholder();
}
