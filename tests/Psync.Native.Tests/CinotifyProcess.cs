using System.Diagnostics;
using System.Text;

namespace Psync.Native.Tests;

/// <summary>
/// Runs the real cinotify binary on a folder and collects its records. Tests wait for records
/// with a deadline; they never sleep.
/// </summary>
public sealed class CinotifyProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<CinotifyRecord> _records = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _reader;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _endOfOutput;

    private CinotifyProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_gate)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _reader = Task.Run(ReadOutputAsync);
    }

    /// <summary>cinotify's process id (chroot and qemu-user exec it in their own process).</summary>
    public int Pid => _process.Id;

    /// <summary>
    /// Starts cinotify on the tree's root, the <paramref name="launch"/> way, and waits for its READY
    /// record. Extra environment variables are set for the child only.
    /// </summary>
    public static async Task<CinotifyProcess> StartAsync(TempTree tree, CinotifyLaunch launch, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = CinotifyCommand.For(launch, tree);
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.Environment.Remove("CINOTIFY_MAX_WATCHES");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("cinotify did not start");
        var cinotify = new CinotifyProcess(process);
        try
        {
            await cinotify.WaitForAsync(r => r.Event == "READY", DefaultTimeout, "READY");
        }
        catch
        {
            await cinotify.DisposeAsync();
            throw;
        }
        return cinotify;
    }

    /// <summary>The binary: $PSYNC_CINOTIFY, else native/build/RID/cinotify (the host's runtime) in the repository.</summary>
    public static string BinaryPath => FindBinary();

    /// <summary>All records received so far.</summary>
    public IReadOnlyList<CinotifyRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>
    /// Waits until a record (already received or still to come) matches. The predicate sees every
    /// record once, in order, so it may also count or collect.
    /// </summary>
    public async Task<CinotifyRecord> WaitForAsync(Func<CinotifyRecord, bool> predicate, TimeSpan timeout, string description)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var next = 0;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; next < _records.Count; next++)
                {
                    if (predicate(_records[next]))
                    {
                        return _records[next];
                    }
                }
                if (_endOfOutput)
                {
                    Assert.Fail($"cinotify ended its output before {description}.\n{DiagnosticsLocked()}");
                }
                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    Assert.Fail($"No {description} within {timeout.TotalSeconds:0.#} s.\n{DiagnosticsLocked()}");
                }
            }
        }
    }

    public Task<CinotifyRecord> WaitForAsync(string ev, string path) =>
        WaitForAsync(r => r.Is(ev, path), DefaultTimeout, $"{ev} '{path}'");

    /// <summary>Closes cinotify's standard input: it should then exit 0.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"cinotify did not exit within {timeout.TotalSeconds:0.#} s.\n{Diagnostics()}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }

        await _reader;
        _process.Dispose();
    }

    private string Diagnostics()
    {
        lock (_gate)
        {
            return DiagnosticsLocked();
        }
    }

    private string DiagnosticsLocked()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{_records.Count} records; the last ones:");
        foreach (var r in _records.Skip(Math.Max(0, _records.Count - 40)))
        {
            sb.AppendLine("  " + r);
        }
        sb.Append("stderr: ").Append(_stderr);
        return sb.ToString();
    }

    private async Task ReadOutputAsync()
    {
        var stream = _process.StandardOutput.BaseStream;
        var buffer = new byte[64 * 1024];
        var fields = new List<byte[]>(4);
        var field = new List<byte>();
        var batch = new List<CinotifyRecord>();
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] != 0)
                    {
                        field.Add(buffer[i]);
                        continue;
                    }
                    fields.Add([.. field]);
                    field.Clear();
                    if (fields.Count == 4)
                    {
                        batch.Add(new CinotifyRecord(
                            Encoding.ASCII.GetString(fields[0]), fields[1] is [(byte)'d'], fields[2], fields[3]));
                        fields.Clear();
                    }
                }
                Publish(batch, endOfOutput: false);
                batch.Clear();
            }
        }
        finally
        {
            Publish(batch, endOfOutput: true);
        }
    }

    private void Publish(List<CinotifyRecord> batch, bool endOfOutput)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _records.AddRange(batch);
            _endOfOutput |= endOfOutput;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    private static string FindBinary()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PSYNC_CINOTIFY");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new FileNotFoundException($"PSYNC_CINOTIFY points to '{fromEnvironment}', which does not exist.");
        }

        var path = Path.Combine(Psync.Tests.RepoFiles.Root, "native", "build", Psync.Tests.RepoFiles.HostRuntime, "cinotify");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"cinotify is not built: '{path}' is missing. Run `make -C native`.");
    }
}
