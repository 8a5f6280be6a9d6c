using Microsoft.EntityFrameworkCore;
using MimeKit;
using Psync.Web.Audit;
using Psync.Web.Data;

namespace Psync.Web.Alerts;

/// <summary>Alert channels and rules, validated and stored: what the API and the page use.</summary>
public sealed class AlertStore(IDbContextFactory<PsyncDb> dbs, AlertSecrets secrets, AuditLog audit, TimeProvider clock)
{
    public const double MaxMinutes = 7 * 24 * 60;

    public async Task<IReadOnlyList<ChannelResource>> ChannelsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return [.. (await db.AlertChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct)).Select(ChannelResource.Of)];
    }

    public async Task<ChannelResource?> ChannelAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.AlertChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) is { } c ? ChannelResource.Of(c) : null;
    }

    /// <summary>Creates (<paramref name="id"/> null) or changes a channel.</summary>
    /// <returns>The channel, or the validation errors by field; neither when there is no channel <paramref name="id"/>.</returns>
    public async Task<(ChannelResource? Channel, Dictionary<string, string[]> Errors)> SaveChannelAsync(int? id, ChannelRequest request, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var channel = id is { } existing ? await db.AlertChannels.SingleOrDefaultAsync(c => c.Id == existing, ct) : null;
        if (id is not null && channel is null)
        {
            return (null, []);
        }
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [message];
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            Error("name", "a name is 1 to 100 characters");
        }
        else if (await db.AlertChannels.AnyAsync(c => c.Name == name && c.Id != (id ?? 0), ct))
        {
            Error("name", $"a channel named '{name}' exists");
        }
        if (!Enum.TryParse<ChannelKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || request.Kind!.Any(char.IsDigit))
        {
            Error("kind", "kind is webhook, email or ntfy");
        }
        else if (kind is ChannelKind.Webhook or ChannelKind.Ntfy
            && !(Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            Error("url", "an absolute http or https URL is required");
        }
        var security = SmtpSecurity.StartTls;
        if (kind == ChannelKind.Email)
        {
            if (string.IsNullOrWhiteSpace(request.SmtpHost))
            {
                Error("smtpHost", "the SMTP server's host name is required");
            }
            if (request.SmtpPort is < 1 or > 65535)
            {
                Error("smtpPort", "a port is 1 to 65535");
            }
            if (request.SmtpSecurity is { } s && (!Enum.TryParse(s, ignoreCase: true, out security) || !Enum.IsDefined(security) || s.Any(char.IsDigit)))
            {
                Error("smtpSecurity", "smtpSecurity is starttls, tls or none");
            }
            if (!MailboxAddress.TryParse(request.From ?? "", out _) || !(request.From ?? "").Contains('@', StringComparison.Ordinal))
            {
                Error("from", "a sender address such as psync@example.org is required");
            }
            if (request.To is not { Count: > 0 } to || to.Any(t => !MailboxAddress.TryParse(t ?? "", out _) || !(t ?? "").Contains('@', StringComparison.Ordinal)))
            {
                Error("to", "one or more recipient addresses are required");
            }
        }
        if (request.Secret is { Length: > 1000 })
        {
            Error("secret", "a secret is at most 1000 characters");
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        channel ??= db.AlertChannels.Add(new AlertChannelEntity { Name = name, CreatedAt = clock.GetUtcNow() }).Entity;
        channel.Name = name;
        channel.Kind = kind;
        channel.Enabled = request.Enabled ?? channel.Enabled;
        channel.Url = kind == ChannelKind.Email ? null : request.Url;
        channel.SmtpHost = kind == ChannelKind.Email ? request.SmtpHost!.Trim() : null;
        channel.SmtpPort = kind == ChannelKind.Email ? request.SmtpPort ?? 587 : 587;
        channel.SmtpSecurity = security;
        channel.SmtpUser = kind == ChannelKind.Email && !string.IsNullOrWhiteSpace(request.SmtpUser) ? request.SmtpUser.Trim() : null;
        channel.From = kind == ChannelKind.Email ? request.From : null;
        channel.To = kind == ChannelKind.Email ? [.. request.To!] : [];
        if (request.Secret is not null)
        {
            channel.ProtectedSecret = request.Secret.Length == 0 ? null : secrets.Protect(request.Secret);
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AuditAction.AlertChannelSaved, $"channel {channel.Id} ({channel.Name})",
            $"{(id is null ? "created" : "changed")}: {channel.Kind.ToString().ToLowerInvariant()}{(request.Secret is null ? "" : ", secret set")}");
        return (ChannelResource.Of(channel), errors);
    }

    public async Task<bool> DeleteChannelAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.AlertChannels.SingleOrDefaultAsync(c => c.Id == id, ct) is not { } channel)
        {
            return false;
        }
        db.AlertChannels.Remove(channel);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AuditAction.AlertChannelDeleted, $"channel {id} ({channel.Name})");
        return true;
    }

    public async Task<IReadOnlyList<RuleResource>> RulesAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return [.. (await db.AlertRules.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct)).Select(RuleResource.From)];
    }

    public async Task<RuleResource?> RuleAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.AlertRules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) is { } r ? RuleResource.From(r) : null;
    }

    /// <returns>The rule, or the validation errors by field; neither when there is no rule <paramref name="id"/>.</returns>
    public async Task<(RuleResource? Rule, Dictionary<string, string[]> Errors)> SaveRuleAsync(int? id, RuleRequest request, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rule = id is { } existing ? await db.AlertRules.SingleOrDefaultAsync(r => r.Id == existing, ct) : null;
        if (id is not null && rule is null)
        {
            return (null, []);
        }
        var errors = new Dictionary<string, string[]>();
        if (!AlertConditions.TryParse(request.Condition, out var condition))
        {
            errors["condition"] = [$"condition is one of {string.Join(", ", AlertConditions.All.Select(c => c.Name()))}"];
        }
        if (request.PairId is { } pairId && !await db.Pairs.AnyAsync(p => p.Id == pairId, ct))
        {
            errors["pairId"] = [$"there is no pair {pairId}"];
        }
        if (request.Minutes is { } minutes && (double.IsNaN(minutes) || minutes < 0 || minutes > MaxMinutes))
        {
            errors["minutes"] = [$"minutes is 0 to {MaxMinutes}"];
        }
        var channelIds = request.ChannelIds?.Distinct().ToList() ?? [];
        var known = await db.AlertChannels.Where(c => channelIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        if (channelIds.Except(known).ToList() is { Count: > 0 } unknown)
        {
            errors["channelIds"] = [$"there is no channel {string.Join(", ", unknown)}"];
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        rule ??= db.AlertRules.Add(new AlertRuleEntity { CreatedAt = clock.GetUtcNow() }).Entity;
        rule.Condition = condition;
        rule.PairId = request.PairId;
        rule.Minutes = request.Minutes ?? 0;
        rule.ChannelIds = channelIds;
        rule.Enabled = request.Enabled ?? rule.Enabled;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AuditAction.AlertRuleSaved, $"rule {rule.Id} ({condition.Name()})",
            $"{(id is null ? "created" : "changed")}: {(rule.PairId is { } p ? $"pair {p}" : "every pair")}, after {rule.Minutes} min{(rule.Enabled ? "" : ", disabled")}");
        return (RuleResource.From(rule), errors);
    }

    public async Task<bool> DeleteRuleAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.AlertRules.SingleOrDefaultAsync(r => r.Id == id, ct) is not { } rule)
        {
            return false;
        }
        db.AlertRules.Remove(rule);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AuditAction.AlertRuleDeleted, $"rule {id} ({rule.Condition.Name()})");
        return true;
    }
}
