using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Psync.Web.Api;
using Psync.Web.Auth;

namespace Psync.Web.Alerts;

public static class AlertEndpoints
{
    public const int MaxDeliveryPage = 500;

    /// <summary>Channels, rules and the delivery log: an admin's (channels and rules change who is told what, and hold secrets).</summary>
    public static RouteGroupBuilder MapAlertEndpoints(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts").WithTags("Alerts").RequiresRole(Role.Admin);
        alerts.MapGet("/channels", async (AlertStore s, CancellationToken ct) => TypedResults.Ok(await s.ChannelsAsync(ct)))
            .WithName("ListAlertChannels").WithSummary("Every alert channel (secrets are never shown)");
        alerts.MapGet("/channels/{id:int}", async Task<Results<Ok<ChannelResource>, ProblemHttpResult>> (int id, AlertStore s, CancellationToken ct) =>
                await s.ChannelAsync(id, ct) is { } c ? TypedResults.Ok(c) : NoChannel(id))
            .WithName("GetAlertChannel").WithSummary("One alert channel");
        alerts.MapPost("/channels", async Task<Results<Created<ChannelResource>, ValidationProblem>> (ChannelRequest request, AlertStore s, CancellationToken ct) =>
            {
                var (channel, errors) = await s.SaveChannelAsync(null, request, ct);
                return channel is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created($"/api/v1/alerts/channels/{channel.Id}", channel);
            })
            .WithName("CreateAlertChannel").WithSummary("Adds a channel: webhook (url, secret), email (smtpHost, smtpPort, smtpSecurity, smtpUser, secret, from, to) or ntfy (url, secret as token)");
        alerts.MapPut("/channels/{id:int}", async Task<Results<Ok<ChannelResource>, ValidationProblem, ProblemHttpResult>> (int id, ChannelRequest request, AlertStore s, CancellationToken ct) =>
            {
                var (channel, errors) = await s.SaveChannelAsync(id, request, ct);
                return channel is not null ? TypedResults.Ok(channel) : errors.Count > 0 ? TypedResults.ValidationProblem(errors) : NoChannel(id);
            })
            .WithName("UpdateAlertChannel").WithSummary("Changes a channel; a null secret keeps the stored one");
        alerts.MapDelete("/channels/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, AlertStore s, CancellationToken ct) =>
                await s.DeleteChannelAsync(id, ct) ? TypedResults.NoContent() : NoChannel(id))
            .WithName("DeleteAlertChannel").WithSummary("Removes a channel");
        alerts.MapPost("/channels/{id:int}/test", async Task<Results<Ok<DeliveryResource>, ProblemHttpResult>> (int id, AlertDispatcher d, CancellationToken ct) =>
                await d.TestAsync(id, ct) is { } delivery ? TypedResults.Ok(DeliveryResource.From(delivery)) : NoChannel(id))
            .WithName("TestAlertChannel").WithSummary("Sends a test alert now, once; the answer says whether it was sent, or why not");

        alerts.MapGet("/rules", async (AlertStore s, CancellationToken ct) => TypedResults.Ok(await s.RulesAsync(ct)))
            .WithName("ListAlertRules").WithSummary("Every alert rule");
        alerts.MapGet("/rules/{id:int}", async Task<Results<Ok<RuleResource>, ProblemHttpResult>> (int id, AlertStore s, CancellationToken ct) =>
                await s.RuleAsync(id, ct) is { } r ? TypedResults.Ok(r) : NoRule(id))
            .WithName("GetAlertRule").WithSummary("One alert rule");
        alerts.MapPost("/rules", async Task<Results<Created<RuleResource>, ValidationProblem>> (RuleRequest request, AlertStore s, CancellationToken ct) =>
            {
                var (rule, errors) = await s.SaveRuleAsync(null, request, ct);
                return rule is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created($"/api/v1/alerts/rules/{rule.Id}", rule);
            })
            .WithName("CreateAlertRule").WithSummary("Adds a rule: a condition, on one pair (pairId) or all, held for minutes, to channelIds (empty: all)");
        alerts.MapPut("/rules/{id:int}", async Task<Results<Ok<RuleResource>, ValidationProblem, ProblemHttpResult>> (int id, RuleRequest request, AlertStore s, CancellationToken ct) =>
            {
                var (rule, errors) = await s.SaveRuleAsync(id, request, ct);
                return rule is not null ? TypedResults.Ok(rule) : errors.Count > 0 ? TypedResults.ValidationProblem(errors) : NoRule(id);
            })
            .WithName("UpdateAlertRule").WithSummary("Changes a rule");
        alerts.MapDelete("/rules/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, AlertStore s, CancellationToken ct) =>
                await s.DeleteRuleAsync(id, ct) ? TypedResults.NoContent() : NoRule(id))
            .WithName("DeleteAlertRule").WithSummary("Removes a rule");

        alerts.MapGet("/deliveries", async Task<Results<Ok<IReadOnlyList<DeliveryResource>>, ProblemHttpResult>> (int? channelId, int? limit, AlertDispatcher d, CancellationToken ct) =>
            {
                if (limit is < 1 or > MaxDeliveryPage)
                {
                    return Problems.BadRequest($"limit is 1 to {MaxDeliveryPage}");
                }
                return TypedResults.Ok<IReadOnlyList<DeliveryResource>>([.. (await d.ListAsync(channelId, limit ?? 100, ct)).Select(DeliveryResource.From)]);
            })
            .WithName("ListAlertDeliveries").WithSummary("The delivery log, newest first: each alert per channel, its attempts and the last error");
        return api;
    }

    /// <summary>The OpenAPI schema lists the values of a rule's <c>condition</c> and a channel's <c>kind</c> and <c>smtpSecurity</c> (strings, so that another is a 400 in our words).</summary>
    public static Task AddAlertValues(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonPropertyInfo is not { } property)
        {
            return Task.CompletedTask;
        }
        IEnumerable<string>? values = (property.DeclaringType.Name, property.Name) switch
        {
            (nameof(RuleRequest) or nameof(RuleResource), "condition") => AlertConditions.All.Select(c => c.Name()),
            (nameof(ChannelRequest) or nameof(ChannelResource), "kind") => Enum.GetNames<ChannelKind>().Select(n => n.ToLowerInvariant()),
            (nameof(ChannelRequest) or nameof(ChannelResource), "smtpSecurity") => Enum.GetNames<SmtpSecurity>().Select(n => n.ToLowerInvariant()),
            _ => null,
        };
        if (values is not null)
        {
            schema.Enum = [.. values.Select(v => (JsonNode)v)];
        }
        return Task.CompletedTask;
    }

    private static ProblemHttpResult NoChannel(int id) => Problems.NotFound($"there is no alert channel {id}");

    private static ProblemHttpResult NoRule(int id) => Problems.NotFound($"there is no alert rule {id}");
}

public static class AlertExtensions
{
    public static IServiceCollection AddPsyncAlerts(this IServiceCollection services)
    {
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName)
            .Validate(o => o.EvaluateInterval > TimeSpan.Zero && o.MaxAttempts > 0 && o.FirstRetryDelay > TimeSpan.Zero && o.SendTimeout > TimeSpan.Zero,
                "Alerts:EvaluateInterval, MaxAttempts, FirstRetryDelay and SendTimeout must be positive").ValidateOnStart();
        services.AddHttpClient(AlertSender.HttpClientName);
        services.AddSingleton<AlertSecrets>();
        services.AddSingleton<AlertSender>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        services.AddHostedService<AlertMonitor>();
        return services;
    }
}
