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

    private AppProcess(Process process, string baseUrl, string dataDir)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataDir = dataDir;
    }

    public string BaseUrl { get; }

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

    public static async Task<AppProcess> StartAsync()
    {
#if DEBUG
        const string Configuration = "Debug";
#else
        const string Configuration = "Release";
#endif
        var dll = Path.Combine(RepoFiles.Root, "src", "Psync.Web", "bin", Configuration, "net10.0", "Psync.Web.dll");
        var dataDir = Directory.CreateTempSubdirectory("psync-web-data-").FullName;
        var url = $"http://127.0.0.1:{FreePort()}";
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        foreach (var arg in new[] { dll, "--urls", url, "--data-dir", dataDir })
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["PSYNC_ADMIN_PASSWORD"] = AdminPassword;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(psi)!;
        var app = new AppProcess(process, url, dataDir);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
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
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { username = "admin", password = AdminPassword });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["token"].ToString();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

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
