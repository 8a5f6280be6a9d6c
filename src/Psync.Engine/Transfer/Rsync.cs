using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Psync.Engine.Remote;
using Psync.Protocol;

namespace Psync.Engine.Transfer;

/// <summary>What one rsync run did.</summary>
public sealed record RsyncResult(int ExitCode, long LiteralBytes, long BytesSent, string Errors)
{
    /// <summary>0, or a partial transfer (23, 24) where what did arrive can still be committed.</summary>
    public bool Usable => ExitCode is 0 or 23 or 24;
}

/// <summary>
/// Runs rsync for one batch in one direction: the files named on stdin (NUL-separated raw bytes,
/// so no file name ever reaches a command line or a shell) are copied into the target's staging
/// folder, with the live file as the delta basis, for the agent to commit.
/// </summary>
public static partial class Rsync
{
    /// <summary>
    /// The longest relative path rsync can send, in bytes: it names each file in one system call
    /// from the root (PATH_MAX 4096 with its NUL, less its own check), where the agents walk one
    /// component at a time and have no limit.
    /// </summary>
    public const int MaxPathBytes = 4094;

    /// <summary>Where a batch is staged, relative to the target root.</summary>
    public static string StagePath(string batch) => $".psync/stage/{batch}";

    /// <param name="source">Where the files are.</param>
    /// <param name="target">Where they go (into its stage folder).</param>
    /// <param name="batch">The stage folder's name.</param>
    /// <param name="paths">The relative paths to send.</param>
    /// <param name="extra">psync -x arguments.</param>
    /// <param name="progress">
    /// Told the batch's overall progress in percent as rsync reports it (--info=progress2); null asks
    /// rsync for none. Its line per file, read through a pipe, cost a run of 10,000 files of 4 KiB
    /// about 0.1 s of 0.65 s.
    /// </param>
    /// <param name="ct">Kills rsync.</param>
    /// <param name="basis">Whether the target may hold older versions to take as delta basis; false when every path is new there.</param>
    /// <param name="inPlace">Whether rsync writes each file under its own name (<see cref="Arguments"/>).</param>
    public static async Task<RsyncResult> TransferAsync(
        RsyncEndpoint source, RsyncEndpoint target, string batch, IReadOnlyList<string> paths, IReadOnlyList<string> extra, IProgress<int>? progress, CancellationToken ct, bool basis = true, bool inPlace = false)
    {
        var psi = new ProcessStartInfo("rsync")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(source, target, batch, extra, basis, progress is not null, inPlace))
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi) ?? throw new IOException("cannot start rsync");
        // rsync prints a progress line per file: a thread of its own reads them, where awaiting each
        // read woke a pool thread per line that then spun for more work, taking CPU from rsync.
        var stdout = Task.Factory.StartNew(() => ReadOutput(new StreamReader(process.StandardOutput.BaseStream, Encoding.UTF8, false, OutputBuffer), progress), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            try
            {
                await using var input = new BufferedStream(process.StandardInput.BaseStream, 1 << 16);
                foreach (var path in paths)
                {
                    await input.WriteAsync(PathCodec.Encode(path), ct).ConfigureAwait(false);
                    input.WriteByte(0);
                }
            }
            catch (IOException)
            {
                // rsync ended before it read the whole list: its exit code and its words say why.
            }
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = await stdout.ConfigureAwait(false);
        return new RsyncResult(process.ExitCode, Number(LiteralData(), output), Number(BytesSent(), output), (await stderr.ConfigureAwait(false)).Trim());
    }

    /// <summary>rsync's -X and -A for the extended attributes and ACLs a pair keeps.</summary>
    public static IEnumerable<string> MetadataArguments(XattrScope scope)
    {
        if (scope.HasFlag(XattrScope.Xattrs))
        {
            yield return "-X";
        }
        if (scope.HasFlag(XattrScope.Acls))
        {
            yield return "-A";
        }
    }

    /// <summary>
    /// The argument list (exposed for tests). Local roots are absolute, so rsync never mistakes
    /// them for host:path; a remote side adds <c>-e</c> with the pinned, multiplexed ssh. Two local
    /// sides with an agent program (<see cref="RsyncEndpoint.Shell"/>) run as a pull: the agent
    /// starts rsync's sending end in the source root, and the engine's rsync receives.
    /// </summary>
    /// <param name="source">Where the files are.</param>
    /// <param name="target">Where they go (into its stage folder).</param>
    /// <param name="batch">The stage folder's name.</param>
    /// <param name="extra">psync -x and the pair's own arguments, last.</param>
    /// <param name="basis">Whether the live tree is the delta basis; a batch of files new on the target has none to look for.</param>
    /// <param name="progress">Whether rsync prints its progress (a line per file).</param>
    /// <param name="inPlace">
    /// Whether rsync writes each file under its own name in the stage folder, not under a
    /// temporary name renamed once the file is whole: one rename fewer a file, for a run whose
    /// stage nobody reads before rsync ends, and whose files are small. Such a run leaves out
    /// --sparse, which rsync before 3.1.3 refuses beside --inplace.
    /// </param>
    public static IReadOnlyList<string> Arguments(RsyncEndpoint source, RsyncEndpoint target, string batch, IReadOnlyList<string> extra, bool basis = true, bool progress = true, bool inPlace = false)
    {
        var args = new List<string>
        {
            "-a",
            // Owners as numbers, as the agents see them (rsync maps by name otherwise).
            "--numeric-ids",
            // Names of one file within a batch stay one file (a name outside the batch cannot be linked to).
            "-H",
            // Runs of zeros are holes on the target too, as on the source (a run in place has small files only).
            inPlace ? "--inplace" : "--sparse",
            "--files-from=-",
            "--from0",
            "--stats",
        };
        if (progress)
        {
            args.Add("--info=progress2");
        }
        if (basis)
        {
            // Psync sends only files it knows changed. rsync's quick check would take a basis of the
            // same size and the same whole second as up to date and stage the old content as the new.
            args.Add("--ignore-times");
            // The live tree is the basis. An absolute path spares rsync a walk up every level of
            // ../../.. per file; a relative remote root is relative to the stage folder's three levels.
            args.Add(Path.IsPathRooted(target.Root) ? $"--copy-dest={target.Root.TrimEnd('/')}/" : "--copy-dest=../../..");
        }
        var sourceArg = source.Folder();
        var pull = source.Ssh is not null;
        if ((source.Ssh ?? target.Ssh) is { } ssh)
        {
            args.Add("-e");
            if ((source.Ssh is null ? target : source).Stream is { } stream)
            {
                // The agent there starts rsync (no login shell); ssh as before if it cannot.
                args.Add($"{OpenSshTransport.RsyncQuote(stream.Program)} {OpenSshTransport.RsyncQuote(stream.Socket)} {ssh.Arguments().Count + 1} {ssh.RsyncShell()}");
                // No file name in the remote command, which the agent runs without a shell: rsync sends its arguments over the stream.
                args.Add("-s");
            }
            else
            {
                args.Add(ssh.RsyncShell());
            }
        }
        else if (source.Shell is { } shell)
        {
            // No shell in between: the agent changes to the source root and becomes rsync, so the
            // remote path is only "./" and no name is quoted for, or split by, anything.
            args.Add("-e");
            args.Add($"{OpenSshTransport.RsyncQuote(shell)} --rsync-shell {OpenSshTransport.RsyncQuote(source.Root)}");
            sourceArg = "localhost:./";
            pull = true;
            // As a local rsync would: reading the basis costs as much as sending the file here.
            args.Add("--whole-file");
        }
        if (pull)
        {
            // Pulling: rsync checks every name the sender sends against the list it asked for,
            // a cost that grows with the square of the list. Psync commits only the paths it
            // asked for and removes the stage folder afterwards, so that check buys nothing here.
            args.Add("--trust-sender");
        }
        args.AddRange(extra);
        args.Add(sourceArg);
        args.Add(target.Folder(StagePath(batch)));
        return args;
    }

    /// <summary>How much of rsync's output one read takes at most.</summary>
    private const int OutputBuffer = 1 << 16;

    /// <summary>A read this long means rsync is printing a progress line per file, many a second.</summary>
    private const int BusyRead = 4096;

    /// <summary>
    /// How long the reader waits after a busy read. Each progress line written to a waiting reader
    /// wakes it: for 50,000 small files that is 50,000 wake-ups on both sides, which took about
    /// 15 % of rsync's time here. Meanwhile the pipe (64 KiB, about 900 lines) holds what comes.
    /// </summary>
    private static readonly TimeSpan BusyNap = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Stdout without its progress lines (what is left is --stats), telling <paramref name="progress"/>
    /// each percentage on the way. Progress lines (they end in \r) are not kept: a batch of many
    /// files prints megabytes of them. While the lines come fast, they are read in blocks; a lone
    /// file's few lines are read as they come, so its end is seen at once.
    /// </summary>
    internal static string ReadOutput(TextReader output, IProgress<int>? progress)
    {
        var kept = new StringBuilder();
        var buffer = new char[OutputBuffer];
        var carried = 0; // the start of a line not ended yet, moved to the buffer's front
        var last = -1;
        int read;
        while ((read = output.Read(buffer, carried, buffer.Length - carried)) > 0)
        {
            var text = buffer.AsSpan(0, carried + read);
            int end;
            while ((end = text.IndexOfAny('\r', '\n')) >= 0)
            {
                var line = text[..end];
                if (ProgressPercent(line) is not { } percent)
                {
                    kept.Append(line).Append('\n');
                }
                else if (percent != last)
                {
                    last = percent;
                    progress?.Report(percent);
                }
                text = text[(end + 1)..];
            }
            if (text.Length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // one line longer than the buffer
            }
            text.CopyTo(buffer);
            carried = text.Length;
            if (read >= BusyRead)
            {
                Thread.Sleep(BusyNap);
            }
        }
        return kept.Append(buffer.AsSpan(0, carried)).ToString();
    }

    /// <summary>
    /// The percentage of an <c>--info=progress2</c> line ("   12,288   0%   7.81MB/s ..."): blanks,
    /// the bytes so far (digits with separators), blanks, 1 to 3 digits and '%', a blank; null for any other line.
    /// </summary>
    internal static int? ProgressPercent(ReadOnlySpan<char> line)
    {
        var rest = line.TrimStart(' ');
        var bytes = rest.IndexOfAnyExcept("0123456789,.");
        if (bytes <= 0 || rest[bytes] != ' ')
        {
            return null;
        }
        rest = rest[bytes..].TrimStart(' ');
        var digits = rest.IndexOfAnyExceptInRange('0', '9');
        if (digits is < 1 or > 3 || rest.Length < digits + 2 || rest[digits] != '%' || !char.IsWhiteSpace(rest[digits + 1]))
        {
            return null;
        }
        return int.Parse(rest[..digits], CultureInfo.InvariantCulture);
    }

    private static long Number(Regex pattern, string output)
    {
        var match = pattern.Match(output);
        return match.Success ? long.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"Literal data: ([\d,.]+)")]
    private static partial Regex LiteralData();

    [GeneratedRegex(@"Total bytes sent: ([\d,.]+)")]
    private static partial Regex BytesSent();
}
