using System.Diagnostics;
using Psync.Engine.Planning;
using Psync.Engine.Transfer;
using Psync.Protocol;

namespace Psync.Engine.Sync;

/// <summary>
/// The last phase of a plan, once per direction: one rsync stages the batch's files in a folder
/// of their own on the target, and each staged file is committed into place by the target's agent
/// with a compare-and-swap on what the target held when the plan was made. Commits begin while
/// rsync still runs.
/// </summary>
internal sealed class BatchTransfer(PairContext ctx, ResultHandler results)
{
    /// <summary>At most this many files are offered to the agent in one round of <see cref="CommitWhileStagingAsync"/>.</summary>
    private const int EarlyCommitWindow = 256;

    /// <summary>How many files a round offers while nothing is staged yet.</summary>
    private const int EarlyCommitProbe = 8;

    private static readonly TimeSpan EarlyCommitPoll = TimeSpan.FromMilliseconds(2);

    private long _batch;

    /// <summary>Sends <paramref name="transfers"/> to <paramref name="target"/> and commits them; what fails goes back to the change set.</summary>
    public async Task RunAsync(Side target, List<TransferAction> transfers, IProgress<int> progress, CancellationToken ct)
    {
        var source = target.Other();
        var batch = $"{ctx.Clock.GetUtcNow():yyyyMMddHHmmss}-{Environment.ProcessId}-{Interlocked.Increment(ref _batch)}";
        var stage = Rsync.StagePath(batch);
        var watch = Stopwatch.StartNew();
        IReadOnlyList<string> extra = [.. Rsync.MetadataArguments(ctx.Options.Xattrs), .. ctx.Options.RsyncExtra, .. ctx.TransferLimit > 0 ? [$"--bwlimit={ctx.TransferLimit}"] : Array.Empty<string>()];
        var transfer = Rsync.TransferAsync(ctx.Endpoint(source), ctx.Endpoint(target), batch, [.. transfers.Select(t => t.Path)], extra, progress, ct);
        var committed = new OpResult?[transfers.Count];
        await CommitWhileStagingAsync(target, stage, transfers, committed, transfer, ct).ConfigureAwait(false);
        RsyncResult rsync;
        try
        {
            rsync = await transfer.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            rsync = new RsyncResult(-1, 0, 0, e.Message);
        }
        var rsyncTime = watch.Elapsed;
        var rest = Enumerable.Range(0, transfers.Count).Where(i => committed[i] is null).ToList();
        if (!rsync.Usable)
        {
            foreach (var i in rest)
            {
                results.Retry(transfers[i].Work, target, $"rsync failed (exit {rsync.ExitCode})", watch.Elapsed);
            }
            ctx.Journal.Record(EventKind.Error, target, "", $"rsync of {rest.Count} file(s) failed (exit {rsync.ExitCode}): {rsync.Errors}", watch.Elapsed);
            if (rest.Count == transfers.Count)
            {
                await RemoveStageAsync(target, batch, ct).ConfigureAwait(false);
                return;
            }
            transfers = [.. transfers.Where((_, i) => committed[i] is not null)];
            committed = [.. committed.Where(r => r is not null)];
            rest = [];
        }
        // rsync has ended: one sync puts all it staged on disk, the commits follow, and another sync
        // puts them (and the early ones' renames) on disk before the index records any of them.
        var late = await results.RunDurablyAsync(target, [.. rest.Select(i => CommitOf(stage, transfers[i], durable: false))], before: true, after: true, ct).ConfigureAwait(false);
        ctx.Journal.Progress.Committed(late);
        for (var k = 0; k < rest.Count; k++)
        {
            committed[rest[k]] = late[k];
        }
        var done = committed.Select(r => r!).ToArray();
        await results.RefreshFailedSourcesAsync(target, transfers, done, ct).ConfigureAwait(false);
        var applied = Record(target, transfers, done, rsync, watch.Elapsed);
        ctx.Journal.CountTransfer(applied, rsync.LiteralBytes);
        ctx.Journal.Record(EventKind.Batch, target, "", $"{applied} of {transfers.Count} file(s), {rsync.LiteralBytes} bytes of data: rsync {rsyncTime.TotalMilliseconds:F0} ms, commit {(watch.Elapsed - rsyncTime).TotalMilliseconds:F0} ms", watch.Elapsed);
        await RemoveStageAsync(target, batch, ct).ConfigureAwait(false);
    }

    /// <summary>The batch's results into the index in one transaction; returns how many were committed.</summary>
    private int Record(Side target, List<TransferAction> transfers, OpResult[] done, RsyncResult rsync, TimeSpan elapsed)
    {
        using var tx = ctx.Index.Begin();
        var applied = 0;
        for (var i = 0; i < transfers.Count; i++)
        {
            var t = transfers[i];
            var result = done[i];
            if (result.Status == OpStatus.Ok)
            {
                applied++;
                // What arrived is what the source had when rsync read it (rsync -a keeps size and mtime).
                var sent = t.Source with { Size = result.State.Size, MtimeNs = result.State.MtimeNs };
                ctx.Changes.NoteOwnWrite(target, t.Path, result.Seq);
                var (left, right) = target == Side.Right ? (sent, result.State) : (result.State, sent);
                results.Agree(t, target, left, right, result);
                ctx.Journal.Record(EventKind.Transfer, target, t.Path, $"{result.State.Size} bytes", elapsed);
            }
            else
            {
                results.Handle(target, t, result.Status == OpStatus.Error && rsync.ExitCode != 0 ? result with { Message = WhyNotSent(rsync, t.Path, result.Message) } : result, (_, _) => { }, elapsed);
            }
        }
        tx.Commit();
        return applied;
    }

    private static CommitOp CommitOf(string stage, TransferAction t, bool durable) => new($"{stage}/{t.Path}", t.Path, t.Expect, durable);

    /// <summary>
    /// A batch is committed file by file while rsync still runs: rsync renames each file into the
    /// stage folder once it is complete and verified, so a staged file is whole. A lone file is then
    /// in place 20–40 ms before rsync has gone through its exit path (its processes wait for each
    /// other in 20 ms sleeps), and a big batch's commits overlap its transfer. Every
    /// <see cref="EarlyCommitPoll"/> the next files not yet committed, in the batch's order (rsync's
    /// too, mostly), are offered to the agent, at most <see cref="EarlyCommitWindow"/>; what is not
    /// staged yet (or, with <see cref="PairOptions.Durable"/>, not on disk yet), or fails its
    /// compare-and-swap, is left for the commit after rsync, which decides as always.
    /// </summary>
    private async Task CommitWhileStagingAsync(Side target, string stage, List<TransferAction> transfers, OpResult?[] committed, Task transfer, CancellationToken ct)
    {
        var next = 0;
        var size = EarlyCommitProbe;
        while (next < transfers.Count)
        {
            await Task.WhenAny(transfer, Task.Delay(EarlyCommitPoll, ctx.Clock, ct)).ConfigureAwait(false);
            if (transfer.IsCompleted)
            {
                return;
            }
            var window = Enumerable.Range(next, transfers.Count - next).Where(i => committed[i] is null).Take(size).ToList();
            // Durable: a sync first, and the agent commits only what was staged before it began.
            var tried = await results.RunDurablyAsync(target, [.. window.Select(i => CommitOf(stage, transfers[i], ctx.Options.Durable))], before: true, after: false, ct).ConfigureAwait(false);
            ctx.Journal.Progress.Committed(tried);
            var ok = 0;
            for (var k = 0; k < window.Count; k++)
            {
                if (tried[k].Status == OpStatus.Ok)
                {
                    committed[window[k]] = tried[k];
                    ok++;
                }
            }
            // While rsync keeps up, offer more at a time; while nothing is staged, only a few.
            size = ok == window.Count ? Math.Min(size * 4, EarlyCommitWindow) : ok == 0 ? EarlyCommitProbe : size;
            while (next < transfers.Count && committed[next] is not null)
            {
                next++;
            }
        }
    }

    /// <summary>
    /// A file rsync could not send (unreadable, gone, a full disk) leaves nothing staged: what
    /// rsync said about it is the reason, not the commit's "nothing staged".
    /// </summary>
    private static string? WhyNotSent(RsyncResult rsync, string path, string? commitMessage)
    {
        var line = rsync.Errors.Split('\n').FirstOrDefault(l => l.Contains($"/{path}\"", StringComparison.Ordinal) || l.Contains($"\"{path}\"", StringComparison.Ordinal));
        return line is null ? $"{commitMessage} (rsync exit {rsync.ExitCode}: {rsync.Errors})" : line.Trim();
    }

    private async Task RemoveStageAsync(Side side, string batch, CancellationToken ct) =>
        await ctx.Agent(side).RunAsync(new RemoveStageOp(batch), ct).ConfigureAwait(false);
}
