using System.Net;
using System.Text;
using Psync.Cli;
using static Psync.Engine.Tests.Cli.CliArgs;

namespace Psync.Engine.Tests.Cli;

/// <summary>--bwlimit and --window reach the engine's options and its checks; `psync flush` against a stub of the appliance's API.</summary>
public sealed class BandwidthAndFlushCliTests
{
    [Fact]
    public void Parse_BwlimitAndWindows_ReachThePairOptions()
    {
        var options = Parsed("--bwlimit", "2048", "--window=22:00-06:00=off", "--window", "12:00-13:00=unlimited", "/a", "/b").ToPairOptions();

        Assert.Equal(2048, options.BandwidthLimit);
        Assert.Equal(["22:00-06:00=off", "12:00-13:00=unlimited"], options.BandwidthWindows);
    }

    [Theory]
    [InlineData("--window=25:00-18:00=5", "option --window: Window 25:00-18:00=5: hours are 00–23.")]
    [InlineData("--bwlimit=-1", "option --bwlimit: The bandwidth limit is 0 (unlimited) to 10000000 KiB/s.")]
    [InlineData("--bwlimit=fast", "option --bwlimit: 'fast' is not a whole number")]
    public void Parse_BadLimitOrWindow_UsageErrorNamingTheOption(string arg, string message)
    {
        Assert.Equal(message, Error(arg, "/a", "/b"));
    }

    [Fact]
    public void Parse_OverlappingWindows_UsageError()
    {
        Assert.Contains("overlap", Error("--window=09:00-18:00=100", "--window=17:00-19:00=off", "/a", "/b"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flush_PairByName_Idle_Exit0()
    {
        var stub = new Stub(request => request.RequestUri!.AbsolutePath switch
        {
            "/api/v1/pairs" => (HttpStatusCode.OK, """[{"id":7,"name":"docs"}]"""),
            "/api/v1/pairs/7/flush" => (HttpStatusCode.OK, """{"id":7,"name":"docs"}"""),
            _ => (HttpStatusCode.NotFound, "{}"),
        });

        var code = await FlushCommand.MainAsync(["--url", "http://appliance:5000", "docs"], Token(), stub);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("Bearer t0ken", stub.Authorization);
    }

    [Fact]
    public async Task Flush_Paused_Exit1()
    {
        var stub = new Stub(_ => (HttpStatusCode.Conflict, """{"title":"The operation cannot be done now","detail":"the pair is paused"}"""));

        var code = await FlushCommand.MainAsync(["--url", "http://appliance:5000", "3"], Token(), stub);

        Assert.Equal(ExitCodes.SyncError, code);
    }

    [Fact]
    public async Task Flush_NoToken_UsageError()
    {
        var code = await FlushCommand.MainAsync(["--url", "http://appliance:5000", "3"], Env, new Stub(_ => (HttpStatusCode.OK, "{}")));

        Assert.Equal(ExitCodes.Usage, code);
    }

    [Fact]
    public async Task Flush_SelfSignedAppliance_TrustedOnlyByItsPinnedFingerprint()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=psync-test", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pin = string.Join(':', certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        bool Trusts(string? fingerprint) => FlushCommand.Pinned(fingerprint is null ? null : FlushCommand.FingerprintBytes(fingerprint))
            .ServerCertificateCustomValidationCallback!(new HttpRequestMessage(), certificate, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors);

        var bad = await FlushCommand.MainAsync(["--url", "https://appliance:8443", "--fingerprint", "not-hex", "3"], Token());

        Assert.Equal((false, false, true, true), (Trusts(null), Trusts(new string('0', 64)), Trusts(pin), Trusts("SHA256:" + pin.ToLowerInvariant())));
        Assert.Equal(ExitCodes.Usage, bad);
    }

    private static CliEnvironment Token() => Fake(new Dictionary<string, string> { ["PSYNC_TOKEN"] = "t0ken" });

    private sealed class Stub(Func<HttpRequestMessage, (HttpStatusCode Status, string Body)> answer) : HttpMessageHandler
    {
        public string? Authorization { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString();
            var (status, body) = answer(request);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
