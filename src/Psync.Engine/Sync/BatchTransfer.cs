using System.Diagnostics;
using System.Text;
using Psync.Engine.Agents;
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

    /// <summary>
    /// Batches this big run as a pull through the agent program when both sides are local
    /// (<see cref="RsyncEndpoint.Shell"/>): a local rsync reads its files list one byte per system
    /// call, which costs more than the extra process start from here on.
    /// </summary>
    private const int PullFrom = 256;

    /// <summary>A batch shared between rsync runs gives each at least this many entries: below it, another rsync's start costs more than it saves.</summary>
    private const int MinShare = 500;

    /// <summary>A batch cut in two waves of runs (<see cref="Runs"/>) gives the second wave this part of it (1/N).</summary>
    private const int SecondWave = 3;

    /// <summary>
    /// A run asks rsync for its progress lines (a line per file) only when one of its files is this
    /// big or bigger: only then can one file take long enough for its own progress to matter.
    /// Otherwise a run of files shows its files committed early as its progress. A line per file,
    /// read through a pipe, cost a run of 10,000 small files about a sixth of its time.
    /// </summary>
    private const long ProgressLinesFrom = 1 << 20;

    /// <summary>
    /// A folder placed whole is committed only at its rename, after rsync: until then rsync's
    /// progress is all there is to show. A run with such folders asks for it when it may last: it
    /// crosses the network (a link may be slow), a bandwidth limit holds, or it moves this many
    /// bytes or more (on a local disk about a second). First syncs of 50,000 files on tmpfs, 5 or 6
    /// alternating pairs: of 100 bytes, with progress lines in every run 2.87 s, without 2.72 s;
    /// of 4 KiB, with 3.27 s, without 2.91 s (`rsync -a` 2.22 s).
    /// </summary>
    private const long TreeProgressLinesFrom = 64 << 20;

    /// <summary>How many scans of placed trees are asked for ahead of the one being read.</summary>
    private const int TreeScansAhead = 16;

    /// <summary>
    /// Sends <paramref name="transfers"/> and <paramref name="trees"/> to <paramref name="target"/>
    /// and commits them; what fails goes back to the change set. Files the target does not have
    /// and files it has go in separate rsync runs: a new file has no basis to look for, so its run
    /// skips the delta basis and the quick-check override. A new tree is staged whole in the new
    /// files' run and put in place with one rename. A batch runs as rsync runs of at most
    /// <see cref="PairOptions.TransferRun"/> entries, a big one shared evenly between
    /// <see cref="PairOptions.TransferStreams"/> runs that stage at a time. Each run commits only
    /// what its own rsync staged, early while it runs and the rest after it; the runs' commits
    /// after rsync go one at a time, in order, and overlap the next runs' transfers.
    /// </summary>
    public async Task RunAsync(Side target, List<TransferAction> transfers, List<NewTree> trees, IProgress<int> progress, CancellationToken ct)
    {
        var streams = Limited ? 1 : ctx.Options.TransferStreams;
        List<Run> runs = [.. Runs(transfers.Where(IsNew), trees, basis: false, streams, ctx.Options.TransferRun), .. Runs(transfers.Where(t => !IsNew(t)), [], basis: true, streams, ctx.Options.TransferRun)];
        var total = runs.Sum(r => (long)r.Size);
        var percents = new int[runs.Count];
        void Report(int k, int percent)
        {
            lock (percents)
            {
                percents[k] = percent;
                progress.Report((int)(runs.Select((r, i) => (long)percents[i] * r.Size).Sum() / total));
            }
        }
        var staging = new List<Task<Staged>>(runs.Count);
        var committing = Task.CompletedTask;
        try
        {
            for (var k = 0; k < runs.Count; k++)
            {
                while (staging.Count < Math.Min(runs.Count, k + streams))
                {
                    var j = staging.Count;
                    staging.Add(StageAsync(target, runs[j], new Relay(percent => Report(j, percent)), ct));
                }
                var staged = await staging[k].ConfigureAwait(false);
                await committing.ConfigureAwait(false);
                committing = CommitAsync(target, staged, ct);
            }
        }
        catch
        {
            // A run failed or the batch was cancelled: the runs still staging end before the batch
            // does, and what they staged is not committed.
            await Task.WhenAll(staging.Append(committing)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        await committing.ConfigureAwait(false);
    }

    /// <summary>Whether a bandwidth limit holds: it is per rsync, so the runs go one at a time.</summary>
    private bool Limited => ctx.TransferLimit > 0 || ctx.Options.RsyncExtra.Any(a => a.StartsWith("--bwlimit", StringComparison.Ordinal));

    private static bool IsNew(TransferAction t) => t.Expect.Check && !t.Expect.State.Exists;

    /// <summary>One rsync run's share of a batch; <see cref="Size"/> counts its entries.</summary>
    internal sealed record Run(List<TransferAction> Transfers, List<NewTree> Trees, bool Basis)
    {
        public int Size => Transfers.Count + Trees.Sum(t => t.Entries.Count);

        /// <summary>The files of its folders placed whole.</summary>
        public IEnumerable<TransferAction> Whole => Trees.SelectMany(t => t.Members).OfType<TransferAction>();

        /// <summary>Whether its rsync prints its progress (<see cref="ProgressLinesFrom"/>, <see cref="TreeProgressLinesFrom"/>); <paramref name="remote"/>: over ssh, <paramref name="limited"/>: a bandwidth limit holds.</summary>
        public bool ProgressLines(bool remote, bool limited) =>
            Transfers.Concat(Whole).Any(t => t.Source.Size >= ProgressLinesFrom)
            || (Trees.Count > 0 && (remote || limited || Whole.Sum(t => t.Source.Size) >= TreeProgressLinesFrom));

        /// <summary>
        /// Whether its rsync writes in place (<see cref="Rsync.Arguments"/>): only folders placed
        /// whole, read after rsync ends, of files under <see cref="ProgressLinesFrom"/>, and no
        /// rsync arguments of the user's (<paramref name="extra"/>), which may not go with it. A file
        /// rsync fails midway then stands under its own name, so such a run is committed only when
        /// rsync ended without an error (<see cref="Staged.Usable"/>). Entries that failed before
        /// go the usual way, which commits what did arrive: a folder where files come and go
        /// while it is read (rsync's "vanished") is placed at its second attempt, not never.
        /// </summary>
        public bool InPlace(IReadOnlyList<string> extra) =>
            Transfers.Count == 0 && Trees.Count > 0 && extra.Count == 0
            && Trees.All(t => t.Entries.All(e => e.Work.Attempts == 0)) && Whole.All(t => t.Source.Size < ProgressLinesFrom);
    }

    /// <summary>
    /// The files and trees cut into runs of at most <paramref name="transferRun"/> entries, and of
    /// an even share between <paramref name="streams"/> runs when that share is at least
    /// <see cref="MinShare"/>; a tree is never cut (a bigger one runs alone). A batch with new
    /// folders that fits in one wave of <paramref name="streams"/> runs goes in two, when the
    /// second's runs still get <see cref="MinShare"/> each: the first wave has two thirds of it, the
    /// second a third. A folder placed whole is committed and recorded only after its rsync ends:
    /// the first wave's commits then overlap the second's transfer, and what is left to commit after
    /// the last rsync is a third as big. A first sync of 50,000 files on tmpfs (pages of about
    /// 20,000), medians of 6 alternating pairs: one wave 3.75 s, two 3.52 s; again 3.04 / 3.00 s.
    /// Files alone are committed while their rsync runs, so more runs only cost more starts (a local
    /// burst of 10,000 files, two benchmark runs each: 1.37 and 1.38 × rsync -a in one wave, 1.59
    /// and 1.50 × in two).
    /// </summary>
    internal static IEnumerable<Run> Runs(IEnumerable<TransferAction> transfers, List<NewTree> trees, bool basis, int streams, int transferRun)
    {
        var files = transfers.ToList();
        var size = files.Count + trees.Sum(t => t.Entries.Count);
        var limit = Math.Min(transferRun, Math.Max(MinShare, (size + streams - 1) / streams));
        var second = size / SecondWave;
        var waves = trees.Count > 0 && streams > 1 && size <= streams * transferRun && second / streams >= MinShare;
        var (firstLimit, secondLimit) = waves ? ((size - second + streams - 1) / streams, (second + streams - 1) / streams) : (limit, limit);
        var cut = 0;
        int Limit() => cut < streams ? firstLimit : secondLimit;
        var run = new Run([], [], basis);
        foreach (var tree in trees)
        {
            if (run.Size > 0 && run.Size + tree.Entries.Count > Limit())
            {
                yield return run;
                cut++;
                run = new Run([], [], basis);
            }
            run.Trees.Add(tree);
        }
        foreach (var transfer in files)
        {
            if (run.Size >= Limit())
            {
                yield return run;
                cut++;
                run = new Run([], [], basis);
            }
            run.Transfers.Add(transfer);
        }
        if (run.Size > 0)
        {
            yield return run;
        }
    }

    /// <summary>What one run's rsync staged: the files its early commits put in place, and how rsync ended.</summary>
    private sealed record Staged(string Batch, List<TransferAction> Transfers, List<NewTree> Trees, OpResult?[] Committed, RsyncResult Rsync, Stopwatch Watch, TimeSpan RsyncTime, bool InPlace)
    {
        /// <summary>Whether what rsync staged may be committed: a run in place only when rsync reported no error at all.</summary>
        public bool Usable => InPlace ? Rsync.ExitCode == 0 : Rsync.Usable;
    }

    /// <summary>rsync stages the run in a folder of its own on the target; its files are committed as they arrive (trees after).</summary>
    private async Task<Staged> StageAsync(Side target, Run run, IProgress<int> progress, CancellationToken ct)
    {
        var (transfers, trees) = (run.Transfers, run.Trees);
        var source = target.Other();
        var batch = $"{ctx.Clock.GetUtcNow():yyyyMMddHHmmss}-{Environment.ProcessId}-{Interlocked.Increment(ref _batch)}";
        var stage = Rsync.StagePath(batch);
        var watch = Stopwatch.StartNew();
        IReadOnlyList<string> extra = [.. Rsync.MetadataArguments(ctx.Options.Xattrs), .. ctx.Options.RsyncExtra, .. ctx.TransferLimit > 0 ? [$"--bwlimit={ctx.TransferLimit}"] : Array.Empty<string>()];
        List<string> paths = [.. transfers.Select(t => t.Path), .. trees.SelectMany(t => t.Entries).Select(e => e.Path)];
        var from = paths.Count >= PullFrom ? ctx.Endpoint(source) : ctx.Endpoint(source) with { Shell = null };
        // A folder placed whole commits its files at once, after rsync: its share of rsync's progress stands in until then.
        var whole = run.Whole.ToList();
        var (wholeFiles, wholeBytes) = (whole.Count, whole.Sum(t => t.Source.Size));
        var report = whole.Count == 0 ? progress : new Relay(percent =>
        {
            progress.Report(percent);
            ctx.Journal.Progress.Staged(batch, wholeFiles * percent / 100, wholeBytes * percent / 100);
        });
        var lines = run.ProgressLines(remote: ctx.Options.RemoteHost is not null, Limited);
        var inPlace = run.InPlace(ctx.Options.RsyncExtra);
        var transfer = Rsync.TransferAsync(from, ctx.Endpoint(target), batch, paths, extra, lines ? report : null, ct, run.Basis, inPlace);
        var committed = new OpResult?[transfers.Count];
        await CommitWhileStagingAsync(target, stage, transfers, committed, transfer, lines ? null : done => progress.Report(done * 100 / run.Size), ct).ConfigureAwait(false);
        RsyncResult rsync;
        try
        {
            rsync = await transfer.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            rsync = new RsyncResult(-1, 0, 0, e.Message);
        }
        return new Staged(batch, transfers, trees, committed, rsync, watch, watch.Elapsed, inPlace);
    }

    /// <summary>
    /// Commits what the run's rsync staged and records it. A run whose rsync failed commits
    /// nothing more (only what its early commits had put in place, whole files all): the rest is retried.
    /// </summary>
    private async Task CommitAsync(Side target, Staged staged, CancellationToken ct)
    {
        var (batch, transfers, trees, committed, rsync, watch, rsyncTime, _) = staged;
        var stage = Rsync.StagePath(batch);
        var commitTime = Stopwatch.StartNew();
        var rest = Enumerable.Range(0, transfers.Count).Where(i => committed[i] is null).ToList();
        if (!staged.Usable)
        {
            ctx.Journal.Progress.Staged(batch, 0, 0);
            var failed = rest.Select(i => transfers[i].Work).Concat(trees.SelectMany(t => t.Entries).Select(e => e.Work)).ToList();
            if (staged.InPlace && rsync.Usable)
            {
                // A run in place that rsync ended with a file it could not send (gone, unreadable):
                // its entries are read again on the source, so their retry plans from what is there now.
                await results.RefreshSourcesAsync(target, [.. failed.Select(w => w.Path)], ct).ConfigureAwait(false);
            }
            foreach (var work in failed)
            {
                results.Retry(work, target, $"rsync failed (exit {rsync.ExitCode})", watch.Elapsed);
            }
            ctx.Journal.Record(EventKind.Error, target, "", $"rsync of {failed.Count} file(s) failed (exit {rsync.ExitCode}): {rsync.Errors}", watch.Elapsed);
            if (rest.Count == transfers.Count)
            {
                await RemoveStageAsync(target, batch, ct).ConfigureAwait(false);
                return;
            }
            transfers = [.. transfers.Where((_, i) => committed[i] is not null)];
            committed = [.. committed.Where(r => r is not null)];
            rest = [];
            trees = [];
        }
        // rsync has ended: one sync puts all it staged on disk, the commits follow, and another sync
        // puts them (and the early ones' renames) on disk before the index records any of them.
        Operation[] late = [.. rest.Select(i => CommitOf(stage, transfers[i], durable: false)), .. trees.Select(t => new CommitOp($"{stage}/{t.Root.Path}", t.Root.Path, Expect.Absent))];
        var answers = await results.RunDurablyAsync(target, late, before: true, after: true, ct).ConfigureAwait(false);
        ctx.Journal.Progress.Committed(answers[..rest.Count]);
        for (var k = 0; k < rest.Count; k++)
        {
            committed[rest[k]] = answers[k];
        }
        var placed = await ReadTreesAsync(target, trees, answers[rest.Count..], ct).ConfigureAwait(false);
        var done = committed.Select(r => r!).ToArray();
        await results.RefreshFailedSourcesAsync(target, transfers, done, ct).ConfigureAwait(false);
        var gone = await RefreshMissingAsync(target, trees, answers[rest.Count..], placed, ct).ConfigureAwait(false);
        var doubted = await RefreshDoubtedAsync(target, trees, answers[rest.Count..], placed, ct).ConfigureAwait(false);
        var applied = Record(target, transfers, done, rsync, watch.Elapsed) + RecordTrees(target, batch, trees, answers[rest.Count..], placed, gone, doubted, rsync, watch.Elapsed);
        var files = transfers.Count + trees.Sum(t => t.Entries.Count(e => e is TransferAction));
        ctx.Journal.CountTransfer(applied, rsync.LiteralBytes);
        ctx.Journal.Record(EventKind.Batch, target, "", $"{applied} of {files} file(s){(trees.Count > 0 ? $" ({trees.Count} new folder(s) placed whole)" : "")}, {rsync.LiteralBytes} bytes of data: rsync {rsyncTime.TotalMilliseconds:F0} ms, commit {commitTime.Elapsed.TotalMilliseconds:F0} ms", watch.Elapsed);
        await RemoveStageAsync(target, batch, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// What each tree placed whole now holds on the target, read by one scan of it (after the
    /// commits' sync): the entries' states for the index, each with the sequence number it was read at.
    /// Up to <see cref="TreeScansAhead"/> scans are asked for at once, so a run of many small trees
    /// waits for one round trip, not one a tree.
    /// </summary>
    private async Task<Dictionary<string, ScanEntry>> ReadTreesAsync(Side target, List<NewTree> trees, OpResult[] answers, CancellationToken ct)
    {
        var found = new Dictionary<string, ScanEntry>(StringComparer.Ordinal);
        var roots = trees.Where((_, k) => answers[k].Status == OpStatus.Ok).Select(t => t.Root.Path).ToList();
        var reads = new Queue<Task<List<ScanEntry>>>();
        try
        {
            for (var next = 0; next < roots.Count || reads.Count > 0;)
            {
                while (next < roots.Count && reads.Count < TreeScansAhead)
                {
                    reads.Enqueue(ReadTreeAsync(target, roots[next++], ct));
                }
                foreach (var entry in await reads.Dequeue().ConfigureAwait(false))
                {
                    found[entry.Path] = entry;
                }
            }
        }
        catch
        {
            // The scans asked for end before the batch does (an agent gone fails them all).
            await ((Task)Task.WhenAll(reads)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        return found;
    }

    /// <summary>One scan of the tree at <paramref name="root"/> on the target; asked for before this returns.</summary>
    private async Task<List<ScanEntry>> ReadTreeAsync(Side target, string root, CancellationToken ct)
    {
        var entries = new List<ScanEntry>();
        await foreach (var entry in ctx.Agent(target).ScanAsync(new ScanSummary(), ct, subtree: root).ConfigureAwait(false))
        {
            entries.Add(entry);
        }
        return entries;
    }

    /// <summary>
    /// Entries of a tree that did not arrive (rsync found them gone, or the whole tree was not
    /// staged) are read again on the source, as a failed commit's are, so their retry plans from
    /// what is there now. Returns the roots of trees not staged because the source no longer has them.
    /// </summary>
    private async Task<HashSet<string>> RefreshMissingAsync(Side target, List<NewTree> trees, OpResult[] answers, Dictionary<string, ScanEntry> placed, CancellationToken ct)
    {
        var notStaged = trees.Where((_, k) => answers[k].Status == OpStatus.Error).ToList();
        List<string> missing = [.. notStaged.SelectMany(t => t.Entries).Select(e => e.Path),
            .. trees.Where((_, k) => answers[k].Status == OpStatus.Ok).SelectMany(t => t.Entries).Select(e => e.Path).Where(p => !placed.ContainsKey(p))];
        var read = await results.RefreshSourcesAsync(target, missing, ct).ConfigureAwait(false);
        return notStaged.Select(t => t.Root.Path).Where(root => read.TryGetValue(root, out var state) && !state.Exists).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether a file of a placed tree may have been written on the target between the tree's
    /// rename and the scan that read it back: it changed (ctime) no earlier than the rename
    /// (<paramref name="placedAt"/>, the tree's ctime in the commit's answer; one clock tick is
    /// ambiguous) and is not the version planned. rsync wrote every file it staged before the
    /// rename, so a file read back as anything else is either a newer source version rsync read or
    /// someone's write into the tree, and only the source can tell which.
    /// </summary>
    private static bool Doubted(TransferAction t, FileState found, long placedAt) =>
        found.Kind == EntryKind.File && found.CtimeNs >= placedAt && (found.Size != t.Source.Size || found.MtimeNs != t.Source.MtimeNs);

    /// <summary>
    /// The <see cref="Doubted"/> files, each with its source read again (and reported to the change
    /// set; absent where it could not be read): a file whose source now matches it is what rsync
    /// sent; any other is planned again, so a write into the tree becomes a conflict instead of
    /// being taken as the source's version.
    /// </summary>
    private async Task<Dictionary<string, FileState>> RefreshDoubtedAsync(Side target, List<NewTree> trees, OpResult[] answers, Dictionary<string, ScanEntry> placed, CancellationToken ct)
    {
        var doubted = trees.SelectMany((t, k) => t.Members.OfType<TransferAction>()
                .Where(f => answers[k].Status == OpStatus.Ok && placed.TryGetValue(f.Path, out var found) && Doubted(f, found.State, answers[k].State.CtimeNs)))
            .Select(f => f.Path).ToList();
        var read = await results.RefreshSourcesAsync(target, doubted, ct).ConfigureAwait(false);
        return doubted.ToDictionary(path => path, path => read.GetValueOrDefault(path, FileState.Absent), StringComparer.Ordinal);
    }

    /// <summary>
    /// The trees' entries into the index (in the caller's transaction): each planned entry found
    /// in place, of its kind, agrees; one missing (rsync could not read it, or it went away) is
    /// retried on its own. A tree whose name was taken meanwhile, or whose source went away, is
    /// planned again, entry by entry: nothing was overwritten. So is a <see cref="Doubted"/> file
    /// (in <paramref name="doubted"/>) whose source, read again, is not what was found. Returns how many files were committed.
    /// </summary>
    private int RecordTrees(Side target, string batch, List<NewTree> trees, OpResult[] answers, Dictionary<string, ScanEntry> placed, HashSet<string> gone, Dictionary<string, FileState> doubted, RsyncResult rsync, TimeSpan elapsed)
    {
        if (trees.Count == 0)
        {
            ctx.Journal.Progress.Staged(batch, 0, 0);
            return 0;
        }
        using var tx = ctx.Index.Begin();
        var applied = 0;
        var files = new List<OpResult>();
        for (var k = 0; k < trees.Count; k++)
        {
            var answer = answers[k];
            foreach (var entry in trees[k].Entries)
            {
                if (answer.Status != OpStatus.Ok)
                {
                    if (gone.Contains(trees[k].Root.Path))
                    {
                        // The folder went away on the source before rsync read it: nothing failed, plan it again.
                        ctx.Changes.Requeue(entry.Work, TimeSpan.Zero);
                    }
                    else if (entry == trees[k].Root)
                    {
                        results.Handle(target, entry, answer, (_, _) => { }, elapsed);
                    }
                    else if (answer.Status == OpStatus.Conflict)
                    {
                        ctx.Changes.Requeue(entry.Work, TimeSpan.Zero);
                    }
                    else
                    {
                        results.Retry(entry.Work, target, $"{entry.KindOf()} failed: {answer.Message}", elapsed);
                    }
                    continue;
                }
                var (source, kind) = entry switch
                {
                    TransferAction t => (t.Source, EntryKind.File),
                    MkdirAction m => (m.Source, EntryKind.Directory),
                    _ => throw new InvalidOperationException($"{entry.GetType().Name} in a new tree"),
                };
                if (!placed.TryGetValue(entry.Path, out var found) || found.State.Kind != kind)
                {
                    var why = rsync.ExitCode != 0 ? WhyNotSent(rsync, entry.Path, "not staged") : "not staged";
                    results.Retry(entry.Work, target, $"{entry.KindOf()} failed: {why}", elapsed);
                    continue;
                }
                var result = new OpResult(0, OpStatus.Ok, found.State, null, null, found.Seq);
                if (doubted.TryGetValue(entry.Path, out var now) && (!now.Exists || now.Size != found.State.Size || now.MtimeNs != found.State.MtimeNs))
                {
                    // Written on the target after the rename, or the source changed again: not agreed,
                    // planned again with what the target holds.
                    ctx.Changes.Requeue(entry.Work, TimeSpan.Zero);
                    ctx.Changes.Report(target, entry.Path, found.State, found.Seq);
                    continue;
                }
                if (entry is TransferAction transfer)
                {
                    applied++;
                    Agreed(target, transfer, result, elapsed);
                    files.Add(result);
                    continue;
                }
                results.Handle(target, entry, result, (a, r) => results.Agreed(a, source, target, r, a.KindOf()), elapsed);
            }
        }
        tx.Commit();
        ctx.Journal.Progress.Committed(files, unstage: batch);
        return applied;
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
                Agreed(target, t, result, elapsed);
            }
            else
            {
                results.Handle(target, t, result.Status == OpStatus.Error && rsync.ExitCode != 0 ? result with { Message = WhyNotSent(rsync, t.Path, result.Message) } : result, (_, _) => { }, elapsed);
            }
        }
        tx.Commit();
        return applied;
    }

    /// <summary>A file in place on the target: it and the source version it came from agree.</summary>
    private void Agreed(Side target, TransferAction t, OpResult result, TimeSpan elapsed)
    {
        // What arrived is what the source had when rsync read it (rsync -a keeps size and mtime).
        var sent = t.Source with { Size = result.State.Size, MtimeNs = result.State.MtimeNs };
        ctx.Changes.NoteOwnWrite(target, t.Path, result.Seq);
        var (left, right) = target == Side.Right ? (sent, result.State) : (result.State, sent);
        results.Agree(t, target, left, right, result);
        ctx.Journal.Record(EventKind.Transfer, target, t.Path, $"{result.State.Size} bytes", elapsed);
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
    /// compare-and-swap, is left for the commit after rsync, which decides as always. A round
    /// that found all it offered staged goes on at once: rsync is ahead, and waiting left more than
    /// half of a burst's runs to the commit after rsync, one after the other.
    /// <paramref name="progress"/>, when given, is told how many are committed after each round.
    /// </summary>
    private async Task CommitWhileStagingAsync(Side target, string stage, List<TransferAction> transfers, OpResult?[] committed, Task transfer, Action<int>? progress, CancellationToken ct)
    {
        var next = 0;
        var done = 0;
        var size = EarlyCommitProbe;
        var ahead = false;
        while (next < transfers.Count)
        {
            if (!ahead)
            {
                await Task.WhenAny(transfer, Task.Delay(EarlyCommitPoll, ctx.Clock, ct)).ConfigureAwait(false);
            }
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
            done += ok;
            if (ok > 0)
            {
                progress?.Invoke(done);
            }
            // While rsync keeps up, offer more at a time; while nothing is staged, only a few.
            size = ok == window.Count ? Math.Min(size * 4, EarlyCommitWindow) : ok == 0 ? EarlyCommitProbe : size;
            ahead = ok == window.Count;
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

/// <summary>
/// A directory the target does not have, with what the plan creates below it there (directories
/// and files): staged whole by one rsync and put in place with one rename.
/// </summary>
internal sealed record NewTree(MkdirAction Root, IReadOnlyList<SyncAction> Members)
{
    /// <summary>The root, then its members.</summary>
    public IReadOnlyList<SyncAction> Entries { get; } = [Root, .. Members];

    /// <summary>
    /// The plan's new trees on <paramref name="target"/>: each directory created there whose parent
    /// is not, with every creation below it. A directory with anything else planned below it (on
    /// either side) is left to the per-entry phases.
    /// </summary>
    public static List<NewTree> Find(IReadOnlyList<SyncAction> plan, Side target)
    {
        var roots = plan.OfType<MkdirAction>().Where(m => m.Target == target).ToDictionary(m => m.Path, StringComparer.Ordinal);
        foreach (var dir in roots.Keys.ToList())
        {
            if (RootOf(Parent(dir), roots) is not null)
            {
                roots.Remove(dir);
            }
        }
        if (roots.Count == 0)
        {
            return [];
        }
        var members = roots.Keys.ToDictionary(k => k, _ => new List<SyncAction>(), StringComparer.Ordinal);
        var mixed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in plan)
        {
            if (ReferenceEquals(action, roots.GetValueOrDefault(action.Path)) || RootOf(action.Path, roots) is not { } root)
            {
                continue;
            }
            // Links keep their own operation (it sets their mtime); a name near rsync's limit
            // (a skip says one is over it) gets the agents' mkdir, which has none.
            var creates = Encoding.UTF8.GetByteCount(action.Path) <= Rsync.MaxPathBytes - 256 && action switch
            {
                MkdirAction d => d.Target == target,
                TransferAction t => t.Target == target && t.Expect.Check && !t.Expect.State.Exists,
                _ => false,
            };
            if (creates)
            {
                members[root].Add(action);
            }
            else
            {
                mixed.Add(root);
            }
        }
        return [.. roots.Where(r => !mixed.Contains(r.Key)).Select(r => new NewTree(r.Value, members[r.Key]))];
    }

    /// <summary>The nearest of <paramref name="roots"/> that is <paramref name="path"/> or above it.</summary>
    private static string? RootOf(string path, Dictionary<string, MkdirAction> roots)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (roots.ContainsKey(p))
            {
                return p;
            }
        }
        return null;
    }

    private static string Parent(string path) => path.LastIndexOf('/') is var i and >= 0 ? path[..i] : "";
}

/// <summary>Reports on the caller's thread (rsync's output reader), so no report arrives after rsync has ended.</summary>
internal sealed class Relay(Action<int> report) : IProgress<int>
{
    public void Report(int value) => report(value);
}
