namespace Psync.Web.Tests.Api;

public sealed class SmokeTests(PsyncAppFactory app) : IClassFixture<PsyncAppFactory>
{
    [Fact]
    public async Task Smoke()
    {
        using var r = await app.Client.GetAsync("/api/v1/pairs");
        Assert.True(File.Exists(app.Database), app.Database);
        Assert.Equal("[]", await r.Content.ReadAsStringAsync());
    }
}
