using Microsoft.AspNetCore.Hosting;
using Psync.Web.Tests.Api;

namespace Psync.Web.Tests.Alerts;

/// <summary>The app (with the published agent, for remote pairs) checking its alert rules every 100 ms and retrying deliveries after 100 ms.</summary>
public sealed class AlertAppFactory : PsyncAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (AgentFactAttribute.PublishedAgent is { } agent)
        {
            builder.UseSetting("Engine:AgentPath", agent);
        }
        builder.UseSetting("Alerts:EvaluateInterval", "00:00:00.1");
        builder.UseSetting("Alerts:FirstRetryDelay", "00:00:00.1");
        builder.UseSetting("Alerts:MaxAttempts", "3");
    }
}
