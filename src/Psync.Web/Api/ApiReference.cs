using System.Net;
using System.Text;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Psync.Web.Api;

/// <summary>
/// The browsable API reference at <c>/api/docs</c>: the app's own OpenAPI document rendered as one
/// plain HTML page with the app's own stylesheet. No script, nothing loaded from elsewhere, so it
/// works offline on an appliance (a vendor's page loaded fonts from its site and showed its own buttons).
/// </summary>
public static class ApiReference
{
    public const string Path = "/api/docs";

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, RenderAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RenderAsync([FromKeyedServices("v1")] IOpenApiDocumentProvider provider, CancellationToken ct) =>
        TypedResults.Content(Render(await provider.GetOpenApiDocumentAsync(ct)), "text/html; charset=utf-8");

    /// <summary>The page for <paramref name="document"/>: operations by tag (method, path, summary, role, parameters, body, responses), then the schemas.</summary>
    public static string Render(OpenApiDocument document)
    {
        var html = new StringBuilder();
        var title = E(document.Info?.Title ?? "API");
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append($"<title>{title} reference · Psync</title><link rel=\"stylesheet\" href=\"/api-reference.css\"></head><body>")
            .Append($"<header><h1>{title} <small>{E(document.Info?.Version ?? "")}</small></h1>")
            .Append("<p>Every route lives under <code>/api/v1</code> and takes a bearer token (<code>POST /api/v1/auth/login</code> gives one). ")
            .Append("Errors are ProblemDetails. The machine-readable document is <a href=\"/openapi/v1.json\">/openapi/v1.json</a>.</p></header><main>");
        var operations = (document.Paths ?? [])
            .SelectMany(p => (p.Value.Operations ?? []).Select(o => (Path: p.Key, Method: o.Key.Method, Operation: o.Value)))
            .GroupBy(o => o.Operation.Tags?.FirstOrDefault()?.Name ?? "Other")
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        html.Append("<nav><ul>");
        foreach (var group in operations)
        {
            html.Append($"<li><a href=\"#tag-{Id(group.Key)}\">{E(group.Key)}</a></li>");
        }
        html.Append("<li><a href=\"#schemas\">Schemas</a></li></ul></nav>");
        foreach (var group in operations)
        {
            html.Append($"<section id=\"tag-{Id(group.Key)}\"><h2>{E(group.Key)}</h2>");
            foreach (var (path, method, operation) in group)
            {
                Operation(html, path, method, operation);
            }
            html.Append("</section>");
        }
        html.Append("<section id=\"schemas\"><h2>Schemas</h2>");
        foreach (var (name, schema) in (document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>()).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Schema(html, name, schema);
        }
        html.Append("</section></main></body></html>");
        return html.ToString();
    }

    private static void Operation(StringBuilder html, string path, string method, OpenApiOperation operation)
    {
        html.Append($"<article class=\"op\" id=\"{E(operation.OperationId ?? "")}\"><h3><span class=\"method {method.ToLowerInvariant()}\">{E(method)}</span> <code>{E(path)}</code></h3>")
            .Append($"<p>{E(operation.Summary ?? "")}</p>");
        if (!string.IsNullOrEmpty(operation.Description))
        {
            html.Append($"<p class=\"desc\">{E(operation.Description)}</p>");
        }
        if (operation.Parameters is { Count: > 0 } parameters)
        {
            html.Append("<table><thead><tr><th>parameter</th><th>in</th><th>type</th><th></th></tr></thead><tbody>");
            foreach (var p in parameters)
            {
                html.Append($"<tr><td><code>{E(p.Name ?? "")}</code></td><td>{E(p.In?.ToString().ToLowerInvariant() ?? "")}</td><td>{E(TypeName(p.Schema))}</td><td>{(p.Required ? "required" : "")}</td></tr>");
            }
            html.Append("</tbody></table>");
        }
        if (operation.RequestBody?.Content?.FirstOrDefault() is { Value: var body, Key: var mediaType })
        {
            html.Append($"<p>Body ({E(mediaType)}): {SchemaLink(body.Schema)}</p>");
        }
        if (operation.Responses is { Count: > 0 } responses)
        {
            html.Append("<ul class=\"responses\">");
            foreach (var (status, response) in responses)
            {
                var schema = response.Content?.FirstOrDefault().Value?.Schema;
                html.Append($"<li><code>{E(status)}</code> {E(response.Description ?? "")}{(schema is null ? "" : " " + SchemaLink(schema))}</li>");
            }
            html.Append("</ul>");
        }
        html.Append("</article>");
    }

    private static void Schema(StringBuilder html, string name, IOpenApiSchema schema)
    {
        html.Append($"<article class=\"schema\" id=\"schema-{Id(name)}\"><h3>{E(name)}</h3>");
        if (!string.IsNullOrEmpty(schema.Description))
        {
            html.Append($"<p class=\"desc\">{E(schema.Description)}</p>");
        }
        if (schema.Properties is { Count: > 0 } properties)
        {
            html.Append("<table><thead><tr><th>property</th><th>type</th><th></th></tr></thead><tbody>");
            foreach (var (property, value) in properties)
            {
                var values = value.Enum is { Count: > 0 } e ? " one of " + string.Join(", ", e.Select(v => v?.ToJsonString())) : "";
                html.Append($"<tr><td><code>{E(property)}</code>{(schema.Required?.Contains(property) == true ? " *" : "")}</td><td>{SchemaLink(value)}</td><td>{E((value.Description ?? "") + values)}</td></tr>");
            }
            html.Append("</tbody></table>");
        }
        else if (schema.Enum is { Count: > 0 } values)
        {
            html.Append($"<p>One of {E(string.Join(", ", values.Select(v => v?.ToJsonString())))}</p>");
        }
        html.Append("</article>");
    }

    /// <summary>A schema's type, with a link when it is a named schema.</summary>
    private static string SchemaLink(IOpenApiSchema? schema) => schema switch
    {
        OpenApiSchemaReference r when r.Reference.Id is { } id => $"<a href=\"#schema-{Id(id)}\">{E(id)}</a>",
        { Items: { } items } when schema.Type?.HasFlag(JsonSchemaType.Array) == true => SchemaLink(items) + "[]",
        _ => E(TypeName(schema)),
    };

    private static string TypeName(IOpenApiSchema? schema) => schema switch
    {
        null => "",
        OpenApiSchemaReference r => r.Reference.Id ?? "object",
        { Items: { } items } when schema.Type?.HasFlag(JsonSchemaType.Array) == true => TypeName(items) + "[]",
        { Type: { } type } => string.Join(" | ", Enum.GetValues<JsonSchemaType>().Where(t => type.HasFlag(t)).Select(t => t.ToString().ToLowerInvariant()))
            + (schema.Format is { } format ? $" ({format})" : ""),
        { OneOf.Count: > 0 } => string.Join(" | ", schema.OneOf.Select(TypeName)),
        _ => "any",
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Id(string text) => new([.. text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
}
