using Microsoft.Playwright;

namespace Psync.Web.Browser.Tests;

/// <summary>One running appliance and one headless Chromium for the browser tests.</summary>
public class BrowserFixture : IAsyncLifetime
{
    private readonly IReadOnlyList<string> _launcher;
    private IPlaywright? _playwright;

    public BrowserFixture()
        : this([])
    {
    }

    /// <param name="launcher">What runs the app (empty: dotnet itself).</param>
    protected BrowserFixture(IReadOnlyList<string> launcher) => _launcher = launcher;

    public AppProcess App { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        App = await AppProcess.StartAsync(_launcher.Count == 0 ? null : _launcher);
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync(_playwright);
    }

    /// <summary>A fixture over an app and a browser that another fixture owns (it disposes them, not this one).</summary>
    internal static BrowserFixture Of(AppProcess app, IBrowser browser) => new() { App = app, Browser = browser };

    /// <summary>The headless Chromium every browser test uses.</summary>
    internal static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

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
    }
}

/// <summary>
/// The appliance run as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (the tests run as
/// root, which reads anything): its agents and rsync are held to the mode bits like any owner, so a
/// file of mode 000 is one rsync cannot read.
/// </summary>
public sealed class UnprivilegedBrowserFixture() : BrowserFixture(["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all", "--"]);
