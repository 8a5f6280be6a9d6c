using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using MimeKit;

namespace Psync.Web.Alerts;

/// <summary>Channel secrets (webhook secret, SMTP password, ntfy token), encrypted at rest with Data Protection as host keys are.</summary>
public sealed class AlertSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("psync.alert-secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string? Secret(AlertChannelEntity channel) => channel.ProtectedSecret is { } secret ? _protector.Unprotect(secret) : null;
}

/// <summary>Sends one delivery over its channel, once; throws with the reason when it did not arrive.</summary>
public sealed class AlertSender(IHttpClientFactory http, AlertSecrets secrets)
{
    public const string HttpClientName = "alerts";
    public const string SignatureHeader = "X-Psync-Signature";

    public Task SendAsync(AlertChannelEntity channel, AlertDeliveryEntity delivery, CancellationToken ct) => channel.Kind switch
    {
        ChannelKind.Webhook => WebhookAsync(channel, delivery, ct),
        ChannelKind.Ntfy => NtfyAsync(channel, delivery, ct),
        ChannelKind.Email => EmailAsync(channel, delivery, ct),
        _ => throw new InvalidOperationException($"unknown channel kind {channel.Kind}"),
    };

    /// <summary>The signature header's value: <c>sha256=</c> and the hex HMAC-SHA256 of the body with the secret.</summary>
    public static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task WebhookAsync(AlertChannelEntity channel, AlertDeliveryEntity delivery, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Psync-Event", delivery.Event);
        if (secrets.Secret(channel) is { Length: > 0 } secret)
        {
            request.Headers.Add(SignatureHeader, Sign(secret, body));
        }
        await PostAsync(request, ct);
    }

    private async Task NtfyAsync(AlertChannelEntity channel, AlertDeliveryEntity delivery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new StringContent(delivery.Message, Encoding.UTF8, "text/plain") };
        // Header values are printable ASCII: anything else goes as an RFC 2047 encoded word, which ntfy decodes.
        var title = delivery.Title.All(c => c is >= ' ' and <= '~') ? delivery.Title : $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(delivery.Title))}?=";
        request.Headers.TryAddWithoutValidation("Title", title);
        request.Headers.Add("Priority", delivery.Event == "raised" ? "high" : "default");
        request.Headers.Add("Tags", delivery.Event == "raised" ? "warning" : "white_check_mark");
        if (secrets.Secret(channel) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        await PostAsync(request, ct);
    }

    private async Task PostAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{request.RequestUri?.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    private async Task EmailAsync(AlertChannelEntity channel, AlertDeliveryEntity delivery, CancellationToken ct)
    {
        var message = new MimeMessage { Subject = delivery.Title, Body = new TextPart("plain") { Text = delivery.Message } };
        message.From.Add(MailboxAddress.Parse(channel.From ?? ""));
        message.To.AddRange(channel.To.Select(MailboxAddress.Parse));
        using var smtp = new SmtpClient();
        var security = channel.SmtpSecurity switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await smtp.ConnectAsync(channel.SmtpHost ?? "", channel.SmtpPort, security, ct);
        if (!string.IsNullOrEmpty(channel.SmtpUser))
        {
            await smtp.AuthenticateAsync(channel.SmtpUser, secrets.Secret(channel) ?? "", ct);
        }
        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(quit: true, ct);
    }
}
