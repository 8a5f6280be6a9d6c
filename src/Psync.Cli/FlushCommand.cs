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
    private static readonly OptionParser Parser = new([Help, Url, Timeout]);

    public const string Usage = """
        usage: psync flush [--url URL] [--timeout SECONDS] PAIR
          Asks the web appliance at URL (default $PSYNC_URL) to reconcile the pair PAIR (its id or
          name) now and waits until it is idle after that: everything changed before is synced.
          The API token is read from $PSYNC_TOKEN (make one under Settings). --timeout: how long the
          appliance waits for idle (default 300). Exit 0 when idle; 1 when the pair is paused, not
          running, outside its sync window, or not idle in time (the reason is printed); 2 usage.

        """;

    public static async Task<int> MainAsync(IReadOnlyList<string> args, CliEnvironment? env = null, HttpMessageHandler? handler = null)
    {
        env ??= CliEnvironment.Current;
        string? url, pair;
        int timeout;
        string token;
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
            token = env.Variable("PSYNC_TOKEN") is { Length: > 0 } set ? set : throw new UsageException("$PSYNC_TOKEN is not set (make an API token under Settings)");
        }
        catch (UsageException e)
        {
            return ExitCodes.UsageError(Console.Error, e.Message);
        }
        using var http = new HttpClient(handler ?? new HttpClientHandler()) { BaseAddress = new Uri(url.TrimEnd('/') + "/api/v1/"), Timeout = TimeSpan.FromSeconds(timeout + 60) };
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
