using System.Diagnostics;
using System.IO.Enumeration;
using Psync.Engine.Remote;

namespace Psync.Bench;

/// <summary>Process helpers, the rsync references' transport and waiting for files.</summary>
internal static class Tools
{
    /// <summary>A file or folder under <c>artifacts/</c> of the checkout this benchmark was built in (what scripts/build.sh publishes), or null.</summary>
    public static string? Artifact(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "artifacts", relative);
            if (File.Exists(path) || Directory.Exists(path))
            {
                return path;
            }
        }
        return null;
    }

    public static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        p.WaitForExit();
    }

    /// <summary>
    /// Writes out what earlier runs left in the page cache, before a timed run (every rsync
    /// reference, and Psync's big-tree, burst and durable-commit runs): a durable commit's
    /// syncfs would otherwise write the last reference's files too (on ext4 a first sync of 100,000
    /// files right after an <c>rsync -a</c> of them took 10.8–12.6 s against 7.9–8.1 s for that rsync).
    /// </summary>
    public static void FlushPageCache() => Run("sync");

    public static double Seconds(string file, params string[] args)
    {
        FlushPageCache();
        var watch = Stopwatch.StartNew();
        Run(file, args);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// rsync alone as a local pair's batch of new files runs it: the names of <paramref name="root"/>'s
    /// whole tree on its stdin, pulled through psync-agent, into a stage folder below the new root
    /// <paramref name="target"/>; no engine, no commits. The floor under Psync's ratio to one <c>rsync -a</c>.
    /// <paramref name="inPlace"/>: written in place, as a run of new folders of small files is.
    /// </summary>
    public static double RsyncAsPsync(string root, string target, bool inPlace = false)
    {
        var paths = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal).ToList();
        var source = new Psync.Engine.Transfer.RsyncEndpoint(root) { Shell = Psync.Engine.Agents.LocalAgent.Locate() };
        Directory.CreateDirectory(Path.Combine(target, ".psync", "stage"));
        FlushPageCache();
        var watch = Stopwatch.StartNew();
        var result = Psync.Engine.Transfer.Rsync.TransferAsync(source, new(target), "reference", paths, [], null, CancellationToken.None, basis: false, inPlace).GetAwaiter().GetResult();
        var seconds = watch.Elapsed.TotalSeconds;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"rsync as Psync runs it exited with {result.ExitCode}: {result.Errors}");
        }
        return seconds;
    }

    /// <summary>True while a scratch file system holds the workloads: nothing is deleted before the end (see <see cref="ScratchFs"/>).</summary>
    public static bool KeepUntilEnd { get; set; }

    /// <summary>Deletes a workload's folder, or leaves it for the scratch file system's removal at the end.</summary>
    public static void Remove(string dir)
    {
        if (!KeepUntilEnd)
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public static string FirstLine(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "?";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }

    public static string RsyncVersion()
    {
        var parts = FirstLine("rsync", "--version").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 2 ? parts[2] : "?";
    }

    public static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);

    /// <summary>The pinned, multiplexed OpenSSH that a remote pair's rsync uses, for the references.</summary>
    public static OpenSshTransport Transport(Sshd sshd, string dir)
    {
        var known = Path.Combine(dir, "known_hosts");
        File.WriteAllText(known, $"[127.0.0.1]:{sshd.Port} {File.ReadAllText(Path.Combine(sshd.Dir, "host_ed25519.pub")).Trim()}\n");
        var control = Directory.CreateDirectory($"/tmp/pb-{Environment.ProcessId}").FullName;
        return new OpenSshTransport(RemoteAddress.Parse(sshd.Address), sshd.ClientKey, known, control, "ssh-ed25519");
    }

    /// <summary>Waits until <paramref name="path"/> exists with <paramref name="length"/> bytes; polls every millisecond. <paramref name="failed"/> true ends the wait at once (the tool under test exited).</summary>
    public static async Task WaitFileAsync(string path, long length, TimeSpan timeout, Func<bool>? failed = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!(File.Exists(path) && new FileInfo(path).Length == length))
        {
            if (failed?.Invoke() == true)
            {
                throw new InvalidOperationException($"gave up waiting for {path}: the tool exited");
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{path} did not arrive within {timeout.TotalSeconds:F0} s");
            }
            await Task.Delay(1);
        }
    }

    /// <summary>
    /// Waits until <paramref name="dir"/> holds <paramref name="count"/> files of <paramref name="length"/> bytes.
    /// Each poll only counts names (a stat of 10,000 files every 20 ms took half a core from the
    /// tool being measured, on 2 cores); the sizes are checked once the names are all there.
    /// </summary>
    public static async Task WaitCountAsync(string dir, int count, long length, TimeSpan timeout, Func<bool>? failed = null)
    {
        var deadline = Stopwatch.StartNew();
        while (CountNames(dir) < count || CountFiles(dir, length) < count)
        {
            if (failed?.Invoke() == true)
            {
                throw new InvalidOperationException($"gave up waiting for {dir}: the tool exited");
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{dir} did not get {count} files within {timeout.TotalSeconds:F0} s");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Names in <paramref name="dir"/> not hidden (not temp files), without a stat of each.</summary>
    private static int CountNames(string dir) =>
        Directory.Exists(dir) ? new FileSystemEnumerable<bool>(dir, (ref FileSystemEntry e) => true, new EnumerationOptions { AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && !e.FileName.StartsWith('.'),
        }.Count() : 0;

    /// <summary>Files of <paramref name="length"/> bytes in <paramref name="dir"/>, not counting hidden temp files (rsync's .name.XXXXXX), which may vanish mid-count.</summary>
    public static int CountFiles(string dir, long length)
    {
        if (!Directory.Exists(dir))
        {
            return 0;
        }
        var count = 0;
        foreach (var f in new DirectoryInfo(dir).EnumerateFiles())
        {
            try
            {
                if (!f.Name.StartsWith('.') && f.Length == length)
                {
                    count++;
                }
            }
            catch (FileNotFoundException)
            {
                // A temp file renamed between the listing and the stat.
            }
        }
        return count;
    }

    public static async Task WriteFilesAsync(string dir, int count, int size)
    {
        var data = new byte[size];
        Directory.CreateDirectory(dir);
        for (var i = 0; i < count; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(dir, $"f{i:D6}"), data);
        }
    }
}
