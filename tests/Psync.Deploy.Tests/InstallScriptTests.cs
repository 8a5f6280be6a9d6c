using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Psync.Tests;

namespace Psync.Deploy.Tests;

/// <summary>
/// scripts/install.sh on this (systemd-less) machine: it installs into temp folders, and the
/// generated unit's ExecStart, run as its User with its Environment, serves the appliance.
/// </summary>
public sealed class InstallScriptTests : IDisposable
{
    private const string ServiceUser = "psync-ci";
    private const string AdminPassword = "install-test-pass";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("psync-install-").FullName;

    public InstallScriptTests() =>
        // The service user must reach the installed program below the temp folder.
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);

    [Fact]
    public async Task Install_NoSystemd_UnitExecStartAsItsUserServesTheApp()
    {
        Assert.True(Environment.UserName == "root", "install.sh creates a user: the test runs as root (as CI does)");
        var (prefix, data, etc) = (Path.Combine(_root, "opt"), Path.Combine(_root, "data"), Path.Combine(_root, "etc"));
        var url = $"https://127.0.0.1:{FreePort()}";

        var (exit, output) = await RunAsync(Path.Combine(RepoFiles.Root, "scripts", "install.sh"),
            ["--prefix", prefix, "--data", data, "--etc", etc, "--user", ServiceUser, "--urls", url, "--no-systemd"],
            new() { ["PSYNC_ADMIN_PASSWORD"] = AdminPassword });

        Assert.True(exit == 0, output);
        var unit = SystemdUnit.Parse(await File.ReadAllTextAsync(Path.Combine(etc, "systemd", "system", "psync.service")));
        Assert.DoesNotMatch("@[A-Z]+@", unit.Text);
        Assert.Equal(ServiceUser, unit.Get("User"));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(data));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(Path.Combine(etc, "psync", "psync.env")));
        Assert.False(File.Exists(Path.Combine(etc, "sysctl.d", "60-psync-inotify.conf")), "limits are raised only with consent");

        using var service = StartAsUser(unit);
        try
        {
            // HTTPS with the certificate the service made in its data folder, and no other.
            using var pinned = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && File.Exists(Path.Combine(data, "tls.pfx"))
                    && certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) == System.Security.Cryptography.X509Certificates.X509CertificateLoader
                        .LoadPkcs12FromFile(Path.Combine(data, "tls.pfx"), null).GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
            };
            using var http = new HttpClient(pinned) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
            await WaitHealthyAsync(http, service);
            using var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = AdminPassword });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode); // the password came through the unit's EnvironmentFile
            Assert.True(File.Exists(Path.Combine(data, "psync.db")), "the data folder is the unit's PSYNC_DATA");
            Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(Path.Combine(data, "tls.pfx")));
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }

    [Fact]
    public void Install_Defaults_HttpsOn8443()
    {
        var script = File.ReadAllText(Path.Combine(RepoFiles.Root, "scripts", "install.sh"));

        Assert.Contains("urls=https://0.0.0.0:8443 ", script, StringComparison.Ordinal);
        Assert.DoesNotContain("http://0.0.0.0", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Unit_Template_HasEveryPlaceholderTheInstallerFills()
    {
        var template = File.ReadAllText(Path.Combine(RepoFiles.Root, "scripts", "systemd", "psync.service"));
        var installer = File.ReadAllText(Path.Combine(RepoFiles.Root, "scripts", "install.sh"));

        var placeholders = System.Text.RegularExpressions.Regex.Matches(template, "@[A-Z]+@").Select(m => m.Value).Distinct().ToList();

        Assert.NotEmpty(placeholders);
        Assert.All(placeholders, p => Assert.Contains($"s|{p}|", installer, StringComparison.Ordinal));
        Assert.StartsWith("@DOTNET@ ", SystemdUnit.Parse(template).Get("ExecStart"), StringComparison.Ordinal);
    }

    /// <summary>What systemd would do with the unit's User, WorkingDirectory, Environment, EnvironmentFile and ExecStart.</summary>
    private static Process StartAsUser(SystemdUnit unit)
    {
        var psi = new ProcessStartInfo("runuser") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = unit.Get("WorkingDirectory") };
        foreach (var arg in new[] { "-u", unit.Get("User"), "--", "env" })
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var assignment in unit.Environment())
        {
            psi.ArgumentList.Add(assignment);
        }
        foreach (var arg in unit.Get("ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process service)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(service.HasExited, $"the service exited with {(service.HasExited ? service.ExitCode : 0)}");
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            Assert.True(clock.Elapsed < Deadline, $"/healthz did not answer within {Deadline.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, string[] args, Dictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }
        using var process = Process.Start(psi)!;
        process.StandardInput.Close(); // not a terminal: no question is asked
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // the service may still be closing its database; the OS cleans /tmp
        }
    }
}

/// <summary>The [Service] keys of a systemd unit (later values win, as in systemd, except Environment which accumulates).</summary>
internal sealed class SystemdUnit
{
    private readonly List<(string Key, string Value)> _entries;

    private SystemdUnit(string text, List<(string, string)> entries) => (Text, _entries) = (text, entries);

    public string Text { get; }

    public static SystemdUnit Parse(string text) => new(text, [.. text.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith('[') && l.Contains('=', StringComparison.Ordinal))
        .Select(l => (l[..l.IndexOf('=', StringComparison.Ordinal)], l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]))]);

    public string Get(string key) => _entries.LastOrDefault(e => e.Key == key).Value ?? throw new KeyNotFoundException($"{key}= is missing from the unit");

    /// <summary>Environment= values, then the lines of EnvironmentFile= (a leading '-' means optional).</summary>
    public IEnumerable<string> Environment()
    {
        foreach (var (key, value) in _entries)
        {
            if (key == "Environment")
            {
                yield return value;
            }
            else if (key == "EnvironmentFile" && File.Exists(value.TrimStart('-')))
            {
                foreach (var line in File.ReadAllLines(value.TrimStart('-')).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')))
                {
                    yield return line;
                }
            }
        }
    }
}
