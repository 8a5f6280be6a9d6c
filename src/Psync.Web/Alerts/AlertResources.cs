namespace Psync.Web.Alerts;

/// <summary>Kind: webhook, email or ntfy. Url: webhook, ntfy: where to POST. Secret: webhook: the signing secret; email: the SMTP password; ntfy: an access token. Write-only: null keeps the stored one, "" removes it. SmtpSecurity: email: starttls (default), tls or none.</summary>
public sealed record ChannelRequest(
    string? Name,
    string? Kind,
    string? Url = null,
    string? Secret = null,
    string? SmtpHost = null,
    int? SmtpPort = null,
    string? SmtpSecurity = null,
    string? SmtpUser = null,
    string? From = null,
    IReadOnlyList<string>? To = null,
    bool? Enabled = null);

/// <summary>HasSecret: A secret is stored (it is never shown).</summary>
public sealed record ChannelResource(int Id, string Name, string Kind, bool Enabled, string? Url, bool HasSecret, string? SmtpHost, int SmtpPort,
    string SmtpSecurity, string? SmtpUser, string? From, IReadOnlyList<string> To)
{
    public static ChannelResource Of(AlertChannelEntity c) => new(c.Id, c.Name, c.Kind.ToString().ToLowerInvariant(), c.Enabled, c.Url,
        c.ProtectedSecret is not null, c.SmtpHost, c.SmtpPort, c.SmtpSecurity.ToString().ToLowerInvariant(), c.SmtpUser, c.From, c.To);
}

/// <summary>Condition: pair-error, delete-guard, conflicts, disk-full, out-of-sync, host-unreachable or agent-deploy-failed. PairId: The pair it watches; null for every pair. Minutes: How long the condition must hold before it is alerted (0 to 10080; 0 alerts at once). ChannelIds: The channels it alerts; empty or null for every enabled channel.</summary>
public sealed record RuleRequest(string? Condition, int? PairId = null, double? Minutes = null, IReadOnlyList<int>? ChannelIds = null, bool? Enabled = null);

public sealed record RuleResource(int Id, string Condition, string Description, int? PairId, double Minutes, IReadOnlyList<int> ChannelIds, bool Enabled)
{
    public static RuleResource From(AlertRuleEntity r) => new(r.Id, r.Condition.Name(), r.Condition.Describe(), r.PairId, r.Minutes, r.ChannelIds, r.Enabled);
}

/// <summary>Event: raised, cleared or test. Status: pending, sent or failed.</summary>
public sealed record DeliveryResource(long Id, int ChannelId, int? RuleId, int? PairId, string Event, string Condition, string Title, string Message,
    DateTimeOffset CreatedAt, string Status, int Attempts, string? LastError, DateTimeOffset? SentAt)
{
    public static DeliveryResource From(AlertDeliveryEntity d) => new(d.Id, d.ChannelId, d.RuleId, d.PairId, d.Event, d.Condition, d.Title, d.Message,
        d.CreatedAt, d.Status.ToString().ToLowerInvariant(), d.Attempts, d.LastError, d.SentAt);
}
