using Microsoft.AspNetCore.Hosting;

namespace Psync.Web.Tests.Api;

/// <summary>The app with the published NativeAOT agent (when there is one) as the agent to deploy.</summary>
public sealed class RemoteAppFactory : PsyncAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (AgentFactAttribute.PublishedAgent is { } agent)
        {
            builder.UseSetting("Engine:AgentPath", agent);
        }
    }
}
