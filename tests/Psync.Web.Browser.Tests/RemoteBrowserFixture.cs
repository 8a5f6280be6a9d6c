using Psync.Tests;

namespace Psync.Web.Browser.Tests;

/// <summary>A real sshd on loopback, an appliance that deploys the published agent there, and Chromium: for the hosts page.</summary>
public sealed class RemoteBrowserFixture() : BrowserFixture([], "--Engine:AgentPath", RepoFiles.PublishedAgent())
{
    public SshdFixture Sshd { get; } = new();

    public override async Task InitializeAsync()
    {
        await Sshd.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Sshd.DisposeAsync();
    }
}
