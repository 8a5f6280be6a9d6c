using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Psync.Cli;

/// <summary>
/// `psync flush [--url URL] [--timeout S] PAIR`: asks the web appliance (its REST API, a token in
/// $PSYNC_TOKEN) to reconcile a pair now and waits until the pair is idle after it. PAIR is the pair's
/// id or name. A `psync SRC DST` runs its pair in its own process and has no API: there, `-s` syncs once.
/// </summary>
internal static class FlushCommand
{
    private static readonly OptionSpec Help = new('h', "help", false);
    private static readonly OptionSpec Url = new(null, "url", true);
    private static readonly OptionSpec Timeout = new(null, "timeout", true);
    private static readonly OptionSpec Fingerprint = new(null, "fingerprint", true);
    private static readonly OptionParser Parser = new([Help, Url, Timeout, Fingerprint]);

    public const string Usage = """
        usage: psync flush [--url URL] [--timeout SECONDS] [--fingerprint SHA256] PAIR
          Asks the web appliance at URL (default $PSYNC_URL) to reconcile the pair PAIR (its id or
          name) now and waits until it is idle after that: everything changed before is synced.
          The API token is read from $PSYNC_TOKEN (make one under Settings). --timeout: how long the
          appliance waits for idle (default 300). --fingerprint (default $PSYNC_TLS_FINGERPRINT): trust
          the appliance's certificate by its SHA-256 fingerprint, as its log prints it (for the
          self-signed one it makes at first start). Exit 0 when idle; 1 when the pair is paused, not
          running, outside its sync window, or not idle in time (the reason is printed); 2 usage.

        """;

    public static async Task<int> MainAsync(IReadOnlyList<string> args, CliEnvironment? env = null, HttpMessageHandler? handler = null)
    {
        env ??= CliEnvironment.Current;
        string? url, pair;
        int timeout;
        string token;
        byte[]? pin;
        try
        {
            var parsed = Parser.Parse(args);
            if (parsed.Options.Any(o => o.Option == Help))
            {
                await Console.Out.WriteAsync(Usage);
                return ExitCodes.Ok;
            }
            url = parsed.Options.LastOrDefault(o => o.Option == Url).Value ?? env.Variable("PSYNC_URL");
            timeout = parsed.Options.LastOrDefault(o => o.Option == Timeout) is { Value: { } t } ? OptionValues.Integer(Timeout, t, 1, 3600) : 300;
            pair = parsed.Positionals.Count == 1 ? parsed.Positionals[0] : throw new UsageException("give one PAIR (its id or name)");
            if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                throw new UsageException("--url (or $PSYNC_URL) must be the appliance's address, e.g. http://localhost:5000");
            }
            pin = (parsed.Options.LastOrDefault(o => o.Option == Fingerprint).Value ?? env.Variable("PSYNC_TLS_FINGERPRINT")) is { Length: > 0 } f
                ? FingerprintBytes(f) ?? throw new UsageException($"--fingerprint: '{f}' is not a SHA-256 fingerprint (64 hex digits, colons allowed)")
                : null;
            token = env.Variable("PSYNC_TOKEN") is { Length: > 0 } set ? set : throw new UsageException("$PSYNC_TOKEN is not set (make an API token under Settings)");
        }
        catch (UsageException e)
        {
            return ExitCodes.UsageError(Console.Error, e.Message);
        }
        using var http = new HttpClient(handler ?? Pinned(pin)) { BaseAddress = new Uri(url.TrimEnd('/') + "/api/v1/"), Timeout = TimeSpan.FromSeconds(timeout + 60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            var id = int.TryParse(pair, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : await IdOfAsync(http, pair);
            if (id is null)
            {
                await Console.Error.WriteLineAsync($"psync: flush: there is no pair named '{pair}'");
                return ExitCodes.SyncError;
            }
            using var response = await http.PostAsync($"pairs/{id}/flush?timeoutSeconds={timeout}", null);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                await Console.Out.WriteLineAsync($"pair {pair} is idle");
                return ExitCodes.Ok;
            }
            await Console.Error.WriteLineAsync($"psync: flush: {(int)response.StatusCode} {Detail(body) ?? response.ReasonPhrase}");
            return ExitCodes.SyncError;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            await Console.Error.WriteLineAsync($"psync: flush: {url}: {e.Message}");
            return ExitCodes.SyncError;
        }
    }

    /// <summary>A handler that trusts what the system trusts and, with <paramref name="pin"/>, the one certificate whose SHA-256 it is.</summary>
    internal static HttpClientHandler Pinned(byte[]? pin) => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            errors == System.Net.Security.SslPolicyErrors.None
            || (pin is not null && certificate is not null && certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256).AsSpan().SequenceEqual(pin)),
    };

    /// <summary>The bytes of a SHA-256 fingerprint as logs print it (hex, colons and a "SHA256:" prefix allowed), or null.</summary>
    internal static byte[]? FingerprintBytes(string text)
    {
        var hex = text.Replace(":", "", StringComparison.Ordinal).Trim();
        hex = hex.StartsWith("SHA256", StringComparison.OrdinalIgnoreCase) ? hex[6..] : hex;
        try
        {
            return hex.Length == 64 ? Convert.FromHexString(hex) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<int?> IdOfAsync(HttpClient http, string name)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("pairs"));
        return document.RootElement.EnumerateArray()
            .Where(p => p.GetProperty("name").GetString() == name)
            .Select(p => (int?)p.GetProperty("id").GetInt32())
            .FirstOrDefault();
    }

    /// <summary>A ProblemDetails' detail, or null.</summary>
    private static string? Detail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
