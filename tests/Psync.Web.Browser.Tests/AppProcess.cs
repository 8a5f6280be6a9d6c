using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Psync.Tests;

namespace Psync.Web.Browser.Tests;

/// <summary>The appliance as a user starts it: Psync.Web from its build folder, on a free port, with a fresh data folder.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    public const string AdminPassword = "browser-test-pass";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AppProcess(Process process, string baseUrl, string httpUrl, string dataDir)
    {
        _process = process;
        BaseUrl = baseUrl;
        HttpUrl = httpUrl;
        DataDir = dataDir;
    }

    /// <summary>The https address, served with the certificate the appliance made at its first start.</summary>
    public string BaseUrl { get; }

    /// <summary>A plain http address on another port (it redirects to <see cref="BaseUrl"/>).</summary>
    public string HttpUrl { get; }

    /// <summary>The self-signed certificate the appliance made in its data folder.</summary>
    public string CertificatePath => Path.Combine(DataDir, "tls.pfx");

    public string DataDir { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the app with more command-line <paramref name="settings"/>, e.g. <c>--Engine:AgentPath</c> and a path.</summary>
    public static Task<AppProcess> StartAsync(params string[] settings) => StartAsync(null, settings);

    /// <summary>Starts the app; <paramref name="launcher"/>, when given, runs it (e.g. setpriv dropping capabilities).</summary>
    /// <param name="launcher">The program and its arguments that run the app.</param>
    /// <param name="settings">More command-line settings.</param>
    public static async Task<AppProcess> StartAsync(IReadOnlyList<string>? launcher, params string[] settings)
    {
#if DEBUG
        const string Configuration = "Debug";
#else
        const string Configuration = "Release";
#endif
        var dll = Path.Combine(RepoFiles.Root, "src", "Psync.Web", "bin", Configuration, "net10.0", "Psync.Web.dll");
        var dataDir = Directory.CreateTempSubdirectory("psync-web-data-").FullName;
        var url = $"https://127.0.0.1:{FreePort()}";
        var httpUrl = $"http://127.0.0.1:{FreePort()}";
        var psi = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        // The tests sign in more often than a person would: the per-address throttle is raised for them.
        // setpriv and the like exec what follows them: dotnet, with the same pid.
        string[] prefix = launcher is { Count: > 0 } ? [.. launcher.Skip(1), "dotnet"] : [];
        foreach (var arg in prefix.Concat([dll, "--urls", $"{url};{httpUrl}", "--data-dir", dataDir, "--Auth:SignInsPerMinute", "100", .. settings]))
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["PSYNC_ADMIN_PASSWORD"] = AdminPassword;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Chart samples every 2 s instead of 10, so a chart has its points soon after a burst.
        psi.Environment["Charts__SampleInterval"] = "00:00:02";
        var process = Process.Start(psi)!;
        var app = new AppProcess(process, url, httpUrl, dataDir);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient(app.PinnedHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Psync.Web exited with {process.ExitCode}:\n{app.Log}");
            }
            try
            {
                if ((await http.GetAsync($"{url}/healthz")).IsSuccessStatusCode)
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }
            if (deadline.Elapsed > StartDeadline)
            {
                await app.DisposeAsync();
                throw new TimeoutException($"Psync.Web did not answer /healthz within {StartDeadline}:\n{app.Log}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>An API client signed in as admin.</summary>
    public async Task<HttpClient> ApiAsync()
    {
        var http = new HttpClient(PinnedHandler()) { BaseAddress = new Uri(BaseUrl) };
        var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = AdminPassword });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["token"].ToString();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A handler that trusts exactly the certificate in <see cref="CertificatePath"/> (self-signed, so no chain to check).</summary>
    public HttpClientHandler PinnedHandler() => new()
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null || !File.Exists(CertificatePath))
            {
                return false;
            }
            using var made = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, null);
            return made.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) == certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        },
    };

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // a agent may still be closing a file; the temp folder is cleaned by the OS
        }
    }
}
