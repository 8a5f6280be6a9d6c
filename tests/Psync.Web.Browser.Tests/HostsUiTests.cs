using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Psync.Web.Browser.Tests;

/// <summary>The hosts page with a running remote pair over a real sshd: connected with the agent's version, then unreachable once sshd stops.</summary>
public sealed class HostsUiTests(RemoteBrowserFixture remote) : IClassFixture<RemoteBrowserFixture>
{
    [Fact]
    public async Task HostsPage_RunningRemotePair_ConnectedWithAgentVersion_UnreachableWithin30sAfterSshdStops()
    {
        using var api = await remote.App.ApiAsync();
        var hostId = await CreateHostAsync(api, remote, "nas");
        var trust = await api.PostAsJsonAsync($"/api/v1/hosts/{hostId}/trust", new { fingerprint = remote.Sshd.HostKeyFingerprint });
        Assert.True(trust.IsSuccessStatusCode, await trust.Content.ReadAsStringAsync());
        var pair = await api.PostAsJsonAsync("/api/v1/pairs", new { name = "remote docs", leftRoot = Ui.TempTree("remote-left"), rightRoot = Ui.TempTree("remote-right"), hostId });
        Assert.True(pair.IsSuccessStatusCode, await pair.Content.ReadAsStringAsync());
        var page = await Ui.SignInAsync(remote, "/hosts");
        var row = page.Locator(".psync-hosts tr", new() { Has = page.Locator(".psync-host-name", new() { HasText = "nas" }) });

        await Expect(row.Locator(".psync-host-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
        var version = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/{hostId}")).GetProperty("connection").GetProperty("agentVersion").GetString()!;
        Assert.False(string.IsNullOrEmpty(version));
        await Expect(row.Locator(".psync-host-agent")).ToHaveTextAsync($"{version} (linux-x64)");
        await Expect(row.Locator(".psync-host-pair")).ToHaveTextAsync("remote docs");
        await Expect(row.Locator(".psync-host-rtt")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d ms$"), new() { Timeout = 15_000 });
        await Ui.ScreenshotAsync(page, "hosts.png");

        await remote.Sshd.StopAsync();
        var stopped = Stopwatch.StartNew();
        try
        {
            await Expect(row.Locator(".psync-host-state")).ToHaveAttributeAsync("data-state", "unreachable", new() { Timeout = 30_000 });
            Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(30), $"{stopped.Elapsed}");
            await Expect(row.Locator(".psync-host-state")).ToHaveTextAsync("unreachable");
        }
        finally
        {
            await remote.Sshd.RestartAsync();
        }
    }

    /// <summary>A host for the fixture's sshd, logging in with its ed25519 client key.</summary>
    internal static async Task<int> CreateHostAsync(HttpClient api, RemoteBrowserFixture remote, string name)
    {
        var response = await api.PostAsJsonAsync("/api/v1/hosts", new
        {
            name, address = "127.0.0.1", port = remote.Sshd.Port, user = Environment.UserName, privateKey = await File.ReadAllTextAsync(remote.Sshd.Ed25519Key),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}

/// <summary>The Trust button shows the host key's fingerprint exactly as ssh-keygen prints it (case kept), on an sshd of its own so that no other test has pinned it.</summary>
public sealed class HostTrustUiTests(RemoteBrowserFixture remote) : IClassFixture<RemoteBrowserFixture>
{
    [Fact]
    public async Task TrustButton_UnknownHostKey_ShowsTheFingerprintAsSshKeygenPrintsIt_AndPinsIt()
    {
        using var api = await remote.App.ApiAsync();
        var hostId = await HostsUiTests.CreateHostAsync(api, remote, "fresh");
        var expected = await SshKeygenFingerprintAsync(remote.Sshd.HostKeyFile + ".pub");
        var page = await Ui.SignInAsync(remote, "/hosts");

        await page.Locator(".psync-host-name", new() { HasText = "fresh" }).ClickAsync();
        await page.ClickAsync("#host-test");
        var trust = page.Locator("#host-trust");
        await Expect(trust).ToBeVisibleAsync();

        // innerText is what a person sees (after text-transform), not the markup.
        Assert.Equal($"Trust {expected}", (await trust.InnerTextAsync()).Trim());
        await Expect(page.Locator("#host-trust-fingerprint")).ToHaveCSSAsync("font-family", new System.Text.RegularExpressions.Regex("monospace"));
        await trust.ClickAsync();
        await Expect(page.Locator("#host-pinned")).ToContainTextAsync(expected);
        Assert.Equal(expected, (await page.Locator("#host-pinned .psync-path").InnerTextAsync()).Trim());
        await Expect(page.Locator(".psync-hosts .psync-fingerprint")).ToHaveTextAsync(expected);
        Assert.Equal(expected, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/{hostId}")).GetProperty("pinnedFingerprint").GetString());
    }

    /// <summary>The second field of <c>ssh-keygen -lf FILE</c>: "256 SHA256:… comment (ED25519)".</summary>
    private static async Task<string> SshKeygenFingerprintAsync(string publicKeyFile)
    {
        var psi = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-l", "-E", "sha256", "-f", publicKeyFile })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        var fingerprint = output.Split(' ')[1];
        Assert.StartsWith("SHA256:", fingerprint, StringComparison.Ordinal);
        return fingerprint;
    }
}
