using System.Net;
using System.Text;

namespace Psync.Web.Tests.Api;

/// <summary>The appliance on a real Kestrel server: the request body limit is Kestrel's, which the in-memory test server does not apply.</summary>
public sealed class KestrelAppFactory : PsyncAppFactory
{
    public KestrelAppFactory() => UseKestrel(0);
}

public sealed class BodyLimitTests(KestrelAppFactory app) : IClassFixture<KestrelAppFactory>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task CreatePair_BodyOver1MiB_413Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/pairs") { Content = PairWithNameOf(MiB + 1) };
        request.Headers.ExpectContinue = true; // the server refuses before reading: the client must not be writing then

        using var response = await app.Client.SendAsync(request);

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task EveryDocumentedRouteWithABody_BodyOver1MiB_413Problem() =>
        await DocumentedRoutes.AssertEveryRouteWithABodyAnswersAsync(app.Client, HttpStatusCode.RequestEntityTooLarge, () => PairWithNameOf(MiB + 1));

    [Fact]
    public async Task CreatePair_BodyJustUnder1MiB_ReadAndValidated()
    {
        using var content = PairWithNameOf(MiB - 100);

        using var response = await app.Client.PostAsync("/api/v1/pairs", content);

        await Problem.AssertValidationAsync(response, "name");
    }

    /// <summary>A pair request whose body is <paramref name="size"/> bytes, nearly all of it the name.</summary>
    private static StringContent PairWithNameOf(int size)
    {
        const string Head = "{\"name\":\"";
        const string Tail = "\",\"leftRoot\":\"/nonexistent\",\"rightRoot\":\"/nonexistent2\"}";
        var body = Head + new string('n', size - Head.Length - Tail.Length) + Tail;
        Assert.Equal(size, Encoding.UTF8.GetByteCount(body));
        return new StringContent(body, Encoding.UTF8, "application/json");
    }
}
