using Microsoft.Playwright;

namespace Psync.Web.Browser.Tests;

/// <summary>One running appliance and one headless Chromium for the browser tests.</summary>
public class BrowserFixture : IAsyncLifetime
{
    private readonly IReadOnlyList<string> _launcher;
    private readonly string[] _settings;
    private IPlaywright? _playwright;

    public BrowserFixture()
        : this([])
    {
    }

    /// <param name="launcher">What runs the app (empty: dotnet itself).</param>
    /// <param name="settings">More command-line settings for the app.</param>
    protected BrowserFixture(IReadOnlyList<string> launcher, params string[] settings) => (_launcher, _settings) = (launcher, settings);

    public AppProcess App { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public virtual async Task InitializeAsync()
    {
        App = await AppProcess.StartAsync(_launcher.Count == 0 ? null : _launcher, _settings);
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync(_playwright);
    }

    /// <summary>The headless Chromium every browser test uses.</summary>
    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    public virtual async Task DisposeAsync()
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
