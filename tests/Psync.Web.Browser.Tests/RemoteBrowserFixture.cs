using Microsoft.Playwright;
using Psync.Tests;

namespace Psync.Web.Browser.Tests;

/// <summary>A real sshd on loopback, an appliance that deploys the published agent there, and Chromium: for the hosts page.</summary>
public sealed class RemoteBrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public SshdFixture Sshd { get; } = new();

    public AppProcess App { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The fixture as <see cref="Ui.SignInAsync"/> takes it.</summary>
    public BrowserFixture AsBrowserFixture() => BrowserFixture.Of(App, Browser);

    public async Task InitializeAsync()
    {
        await Sshd.InitializeAsync();
        App = await AppProcess.StartAsync("--Engine:AgentPath", RepoFiles.PublishedAgent());
        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        await Sshd.DisposeAsync();
    }
}
