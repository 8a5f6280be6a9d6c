using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;

namespace Psync.Web.Tests.Api;

/// <summary>Assertions on ProblemDetails answers (RFC 9457).</summary>
internal static class Problem
{
    /// <summary>Asserts <paramref name="response"/> is a ProblemDetails with <paramref name="status"/> and returns it.</summary>
    public static async Task<HttpValidationProblemDetails> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"content type {response.Content.Headers.ContentType}: {body}");
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>();
        Assert.NotNull(problem);
        Assert.Equal((int)status, problem.Status);
        return problem;
    }

    /// <summary>Asserts a 400 validation problem with an error for each of <paramref name="fields"/> and returns it.</summary>
    public static async Task<HttpValidationProblemDetails> AssertValidationAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        foreach (var field in fields)
        {
            Assert.True(problem.Errors.ContainsKey(field), $"no error for '{field}' in {string.Join(", ", problem.Errors.Keys)}");
            Assert.NotEmpty(problem.Errors[field]);
        }
        return problem;
    }
}
