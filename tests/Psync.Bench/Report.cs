using System.Globalization;
using System.Text;

namespace Psync.Bench;

/// <summary>Writes one run's results as docs/BENCHMARKS.md: goals first, then one table per workload.</summary>
internal static class Report
{
    public static string Markdown(BenchOptions o, Results r, IReadOnlyList<string> charts, string machine)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(o.Quick ? " with `--quick`" : "")} on {machine}. ");
        md.AppendLine(CultureInfo.InvariantCulture, $"Latency, burst, rename and many pairs run in folders on {r.WorkFileSystem}, kept until the end; each big tree has one of its own (see the notes). ");
        md.AppendLine("Local pair: both trees on the same file system, both agents local. Every figure is a median of several runs with the spread (min–max), and every Psync figure stands next to the reference measured in the same run; compare rows of one run only, since this machine's I/O speed varies several-fold between runs.").AppendLine();

        md.AppendLine("## Goals").AppendLine();
        md.AppendLine("| goal | measured | met |").AppendLine("|---|---|---|");
        foreach (var g in Goals.Evaluate(r))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {g.Text} | {g.Measured} | {(g.Met switch { true => "yes", false => "**no**", null => "not measured" })} |");
        }
        md.AppendLine();

        Latency(md, "## Latency: one small file written on the left until complete on the right", r.Latency);
        Burst(md, $"## Burst: {o.BurstFiles:N0} files of 4 KiB written at once", r.Burst);
        Latency(md, "## Latency over ssh (sshd on loopback, rsync through one multiplexed OpenSSH connection)", r.SshLatency);
        Burst(md, $"## Burst over ssh: {o.BurstFiles:N0} files of 4 KiB written at once", r.SshBurst);

        if (r.Rename is { } rename)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## Directory rename: a directory of {rename.Files:N0} files renamed on the left").AppendLine();
            md.AppendLine("| | repeats | median ms | spread ms | file data sent, most of any repeat |").AppendLine("|---|---|---|---|---|");
            md.AppendLine(CultureInfo.InvariantCulture, $"| psync | {rename.Seconds.Count} | {rename.Seconds.Median * 1000:F0} | {(rename.Seconds with { Min = rename.Seconds.Min * 1000, Max = rename.Seconds.Max * 1000 }).Spread("F0")} | {rename.MaxBytes:N0} bytes |").AppendLine();
        }

        foreach (var t in r.BigTrees)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## Big tree: {t.Files:N0} files of 100 bytes in {t.Dirs:N0} directories").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"On {t.FileSystem}. Psync is the `psync -s` command (sync once, then exit): the engine in a process of its own, with its two agents ({(BigTreeBench.Program.Contains("/artifacts/psync/", StringComparison.Ordinal) ? "the psync `scripts/build.sh` publishes compiled ahead to `artifacts/psync`" : "the benchmark's own build of psync, JIT-compiled: run `scripts/build.sh` for the one compiled ahead")}). Every run writes into a new folder.").AppendLine();
            md.AppendLine("| | runs | median s | spread s |").AppendLine("|---|---|---|---|");
            SecondsRow(md, "psync -s, initial sync into an empty folder (new index)", t.Initial);
            SecondsRow(md, "rsync -a into an empty folder (reference)", t.RsyncInitial);
            SecondsRow(md, "rsync alone as Psync runs it: every name on stdin, pulled through psync-agent, into a stage folder, written in place (the floor)", t.RsyncAsPsync);
            SecondsRow(md, "psync -s, no-change restart on the same index (reconcile only)", t.Restart);
            SecondsRow(md, "rsync -an left → right plus right → left (reference)", t.RsyncDryBoth);
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Peak memory (VmHWM, sampled every 50 ms over all these runs): engine (the psync process) {t.EnginePeak / 1e6:F0} MB, agent (the larger of its two) {t.AgentPeak / 1e6:F0} MB.").AppendLine();
        }

        foreach (var d in r.Durability)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## Durable commits: `psync -s` of {d.Files:N0} files of 4 KiB, on {d.FileSystem}").AppendLine();
            md.AppendLine("By default a batch's files are synced to disk (`syncfs`) before they are committed and again before the index records them; `--no-fsync` skips that. Each run into a new folder.").AppendLine();
            md.AppendLine("| | runs | median s | spread s | ratio to rsync -a |").AppendLine("|---|---|---|---|---|");
            foreach (var (label, stats) in new[] { ("psync -s (durable, the default)", d.Durable), ("psync -s --no-fsync", d.Relaxed), ("rsync -a (reference)", d.Rsync) })
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {stats.Count} | {stats.Median:F2} | {stats.Spread("F2")} | {stats.Median / d.Rsync.Median:F2}× |");
            }
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Durability costs {d.Durable.Median / d.Relaxed.Median:F2}× the time of `--no-fsync` here.").AppendLine();
        }

        if (r.ManyPairs is { } m)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## Many pairs: {m.Pairs} local pairs on one engine, {m.WritesPerSecond} small files a second for {m.Seconds:F0} s").AppendLine();
            md.AppendLine("| | value |").AppendLine("|---|---|");
            md.AppendLine(CultureInfo.InvariantCulture, $"| write → complete on the right, median / p99 / max ms ({m.ArrivalMs.Count} files) | {m.ArrivalMs.Median:F1} / {m.ArrivalMs.P99:F1} / {m.ArrivalMs.Max:F1} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| engine CPU (the benchmark process, which also writes the files and polls for them every 2 ms), % of one core | {m.EngineCpuPercent:F1} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| engine resident set, most seen | {m.EngineRssPeak / 1e6:F0} MB |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Agents} agents CPU together, % of one core | {m.AgentsCpuPercent:F1} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Agents} agents resident sets together, most seen | {m.AgentsRssPeak / 1e6:F0} MB ({m.AgentsRssPeak / 1e6 / Math.Max(1, m.Agents):F1} MB each) |").AppendLine();
        }

        if (charts.Count > 0)
        {
            md.AppendLine("## Charts").AppendLine();
            var dir = Path.GetDirectoryName(Path.GetFullPath(o.Output))!;
            foreach (var c in charts)
            {
                var rel = Path.GetRelativePath(dir, c).Replace('\\', '/');
                md.AppendLine(CultureInfo.InvariantCulture, $"![{Path.GetFileNameWithoutExtension(c)}]({rel})").AppendLine();
            }
        }

        md.AppendLine("## Notes").AppendLine();
        md.AppendLine("- Unison runs with `-repeat 1` (a full scan every second; the Debian package has no `unison-fsmonitor`), locally and with its right root as `ssh://` through the same sshd. lsyncd runs with `-delay 0 -rsync` locally, and over ssh with `default.rsync`, `delay = 0` and a `host:dir` target through the same pinned, multiplexed ssh as Psync's rsync; it syncs one way, so it has latency and burst only. Both start on an empty tree with one probe file and are measured once the probe has arrived.");
        md.AppendLine("- The ssh references run once before they are timed, to open the multiplexing master: a remote pair opens its master when it connects.");
        md.AppendLine(r.LoginShellMs > 0
            ? string.Create(CultureInfo.InvariantCulture, $"- The ssh host's `.bashrc` sleeps {r.LoginShellMs} ms, as a login shell that does real work (pyenv, conda, nvm) would: every command ssh runs there pays it, so each reference rsync does. A remote pair's agent pays it once when it starts; its transfers do not (the agent starts rsync's remote end, reached through the pair's forward). One round trip to sshd: {r.SshRoundTripMs:F2} ms.")
            : "- The ssh host has no `.bashrc` (`--login-shell-ms 0`).");
        md.AppendLine("- Burst goal: Psync's time from the last write to the last file on the right against one `rsync -a` of the finished files; against the peers, the time from the first write (the peers' rows measure that). Psync's engine runs in the benchmark's process, standing in for the web app's, which has run a while: one burst on a pair of its own comes first and is not counted (a first burst spends much of a core compiling the batch's code), as the reference rsync is a program compiled ahead.");
        md.AppendLine("- Where the milliseconds of a one-file sync go (strace): a local one-file rsync has the file in place after about 23 ms, then spends about 20 ms more in its exit path, where its three processes wait for each other in 20 ms sleeps. Psync's rsync writes into the staging folder; while rsync runs, the engine offers the staged files to the agent's compare-and-swap commit every 2 ms, so a file is in place before rsync has exited, and a big batch's commits overlap its transfer.");
        md.AppendLine("- A local rsync reads its `--files-from` list one byte per `read()`, each after a `poll` (io.c read_line). strace -c -f of one rsync of 50,000 files of 100 bytes: with a local files list 2,694,000 system calls (750,000 reads, 651,000 polls); a plain `rsync -a` 1,211,000. So a local pair's batch of 256 files or more runs as a pull: `psync-agent --rsync-shell ROOT` becomes rsync's sending end with no shell in between, and the engine's rsync forwards the list in blocks: 1,149,000 calls (52,000 reads, 761 polls), with `--trust-sender` (else the receiver checks each name against the list, quadratic) and `--whole-file` (as a local rsync). rsync's CPU time for the 50,000 files, user + system, median of 3: plain 2.0 s, local files list 3.0 s, pulled 2.4 s.");
        md.AppendLine("- Files new on the target go in an rsync run without `--copy-dest` and `--ignore-times` (no basis to look for); a folder new on the target is staged whole and placed with one compare-and-swap rename, and its entries enter the index from one scan of it, where each file used to be one commit (a rename and two stats in the agent, a round trip's share on the engine).");
        md.AppendLine("- Big trees: ext4 does not reuse an inode freed in the last minute or more, and its allocator skips such inodes one by one (perf: `recently_deleted`, `find_inode_bit` under `ext4_create`). Here, an rsync creating 100,000 files right after 100,000 were deleted took 37–51 s of system time; on a fresh file system, 6 s. So every big-tree run writes into a new folder on a file system of its own, and nothing is deleted until the end. A reconcile merges and syncs 20,000 entries a side at a time, which is what keeps the engine's memory flat on the biggest tree.");
        md.AppendLine("- The directory rename includes the 200 ms hold for deletes and moves (`--hold`).");
        md.AppendLine("- Where a first sync's time goes (tmpfs, 50,000 files, three pages of about 20,000; `psync -s` with timings added, 2026-12-06): between two pages 240 ms (merging both scans with the index 54–83 ms, reporting 15–29 ms, taking 13–18 ms, planning 76–115 ms, the executor before rsync 32 ms); rsync 1.04–1.19 s a page, where the same rsync alone takes about 0.8 s; committing and recording 264–391 ms a page. Until 2026-12-06 every page also waited out the 200 ms hold for deletes, for the absences of the side that lacks the files. During a burst of 10,000 files (1.9 s) the engine used 0.9 s of CPU, the target's agent 0.56 s and the source's 0.15 s, besides rsync's three processes: the two cores are nearly saturated. Measured and not kept then: cinotify not watching the stage folder, merging the next page while the current one syncs, buffering psync's output, ReadyToRun (all within noise; the first and the third are kept since, see below); psync runs without profile-guided tiering, which saved 9 % of a first sync.");
        md.AppendLine("- Since 2026-12-06 a batch runs as rsync runs of at most 10,000 entries, and each run's commits overlap the next run's transfer; rsync's progress lines are read on a thread of their own (awaiting each read woke a pool thread that then spun: a first sync of 50,000 files took 6.3 s of CPU in all its processes before, 5.4 s after). A first sync of 50,000 files on tmpfs, 5 runs alternating with the build before: median 4.81 s → 4.32 s (`rsync -a` 1.86 s). A perf profile of that first sync before these changes: the engine 3.5 s of CPU (0.5 s of it compiling, 0.8 s switching and spinning), rsync's processes 2.7 s, the agents 0.3 s, in 4.4 s on 2 cores: the time left is CPU, so overlapping stages further gains little on this machine. Measured and not kept: naming only a new folder's root and letting rsync recurse (`--files-from` costs about 10 % of rsync's time once `--trust-sender` is set, and a recursive walk would send what the plan left out), `DOTNET_TieredCompilation=0` and a thread pool that does not spin (within noise).");
        md.AppendLine("- The floor: \"rsync alone as Psync runs it\" is one rsync of the same files exactly as a local pair's run of new files starts it (the names on stdin, `-H --sparse --numeric-ids --stats`, no progress lines as for a run of small files, pulled through `psync-agent --rsync-shell`, into `.psync/stage/…` of an empty root, its output read by the engine's reader), with no engine, agents, events or commits. Psync's ratio to one `rsync -a` cannot go below that one; what lies between them is Psync's own work (detection, scans, planning, commits, the index) and its share of the two cores.");
        md.AppendLine("- Since 2026-12-06 the engine reads rsync's progress lines in blocks while they come fast (a read of 4 KiB or more, then 10 ms before the next): a reader waiting on the pipe was woken once per file. One rsync of 50,000 files of 100 bytes as Psync runs it, its output into a pipe: 2.45–2.72 s with a reader that wakes per line, 2.06–2.34 s with one that reads in blocks, 2.09–2.33 s with the output thrown away (`rsync -a`: 1.84–2.17 s). Through the engine, 5 alternating runs each: a first sync of 50,000 files 5.06 s → 4.67 s (medians), a local burst of 10,000 files 1.53 s → 1.39 s. Measured and not kept: `--outbuf=B` (rsync still writes each progress line at once), cinotify not reporting what happens in the stage folder (the target's agent used as much CPU), early commits polled every 10 ms instead of 2, a 64 MB first generation for the GC (all within noise); reconcile pages of 40,000 or 50,000 entries instead of 20,000 (a first sync of 50,000 files 4.26 s → 3.95 / 3.83 s, medians of 4, but the engine's peak at 1,000,000 files on ext4 rose from 223 MB to 277–300 / 282–285 MB, against the goal of 300 MB).");
        md.AppendLine("- Since 2026-12-06 (evening), A/B on tmpfs against the build before each step: a batch's rsync runs stage two at a time (`TransferStreams`), a batch of 1,000 entries or more shared evenly between them (two plain `rsync -a` of halves of the 50,000 files took 1.30–1.38 s against 1.86–1.97 s for one; a first sync of 50,000 files 4.24 → 3.53 s); the plan reads the index in one read transaction (a lookup on its own locked and unlocked the file: 100,000 `fcntl` calls for 50,000 paths); the index's upsert binds its 18 values by position through SQLite's own statement (Microsoft.Data.Sqlite bound each by name and boxed it, which cost more than the insert: first sync 3.43–3.57 → 3.12–3.20 s); the last page of a reconcile no longer waits out the delete hold for absences the index never had (2.86–3.02 s); psync's events go to a redirected stdout in blocks within 50 ms (a write per line was 50,000 system calls); cinotify does not descend into `.psync/stage/` (local burst after the last write, medians of 4 alternating pairs, 0.99 → 0.85 s; the first sync unchanged). A perf profile of the first sync before the last three: the engine 2.0 s of CPU, rsync's processes 2.7 s (one plain `rsync -a` 2.4 s), the agents 0.3 s, and a quarter of the two cores idle: between pages (merge 25–86 ms, plan 74–116 ms, executor 45–70 ms) and after the rsync runs of a page (each run's commit, the scan of its placed folders and its records one after the other, 150–200 ms a run). Measured and not kept: frames read through a 64 KiB buffer and a batch's requests sent in one write (a burst of 10,000 files made 10,500 writes of requests and 26,000 reads of frames in the engine; 4 alternating pairs, 0.87–0.98 s against 0.82–0.95 s: within noise), runs of 5,000 entries instead of 10,000 (within noise).");
        md.AppendLine("- Since 2026-12-06 (night) an agent does not send the echo of its own write: a path its operation wrote, read again by its watcher with exactly the state the operation answered (same inode and ctime). The target of a local burst of 10,000 files sent 10,002 changes back before, 158–226 after (what remains are the files of the first batch's folder, placed whole and then read by the watcher). A fresh `psync` process and a burst of 10,000 files, 5 alternating pairs: the engine's CPU 780–840 ms → 680–720 ms, first write to last file 1.43–1.71 s (median 1.66) → 1.40–1.59 s (median 1.44). With the engine in the benchmark's process (`--tmpfs --skip peers,bigtree,rename,manypairs --repeats 4`, two runs with each agent, alternating): the local burst after the last write 1.07 / 1.05 s → 1.00 / 0.94 s (medians, against `rsync -a` 0.52–0.53 s in all four: 2.06 / 2.02× → 1.92 / 1.77×); over ssh 1.77 / 1.66 s → 1.78 / 1.79 s, no gain there within a spread of 1.2–2.1 s. Also since then, the scans that read back a run's folders placed whole are asked for up to 16 at a time instead of one after the other: for the second run of a 20,000-entry page of the first sync (49 folders, its commit on the page's critical path), 36–45 ms → 18–33 ms (timed in the engine, 3 first syncs each).");
        md.AppendLine("- Since 2026-12-06 (night) the big-tree rows run the psync that `scripts/build.sh` publishes compiled ahead (ReadyToRun, `artifacts/psync`), the one the README points to; before, the benchmark's own JIT-compiled build. A perf profile of a no-change restart of 50,000 files had the JIT compiler at about a third of the engine's CPU. By hand, 8 alternating pairs: that restart 0.51–0.59 s → 0.43–0.55 s (user CPU medians 0.49 → 0.38 s); a first sync of 50,000 files, 5 pairs, medians 3.50 → 3.34 s, within the spread (3.11–3.98 / 3.25–3.76 s). Measured and not kept: `DOTNET_TieredCompilation=0` (first sync: user CPU 2.10 → 1.90 s, wall unchanged; restart slower, 0.55–0.80 → 0.76–1.03 s) and `DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0` (the engine's 264,000 `sched_yield` calls in a first sync fell to 7,700, with no gain in wall or CPU).");
        md.AppendLine("- Since 2026-12-07 an agent opens a path's parent folder with one `openat2` (`RESOLVE_BENEATH`, `RESOLVE_NO_SYMLINKS`; the walk one component at a time stays for kernels before 5.6) instead of one `openat` and `close` per component: a local burst of 10,000 files made 60,000 opens and 60,000 closes on the target, now 30,000 of each; first write to last file, 5 alternating pairs by hand: medians 1.23 → 1.11 s. Also since then, the reconcile scans the next page while a page syncs, streamed into its merge (scanned again if anything after the page was reported meanwhile): a first sync of 50,000 files by hand, medians 2.80 → 2.60 s in 6 alternating pairs with an earlier version that read the page whole, 2.84 → 2.75 s in 5 pairs with the streamed one, within the noise; the no-change restart unchanged (medians 0.459 / 0.445 s, 6 pairs); the whole-page version had made it slower (0.46–0.48 s against 0.41–0.45 s).");
        md.AppendLine("- Since 2026-12-07 (morning) an agent reads requests and writes answers with blocking calls on one thread, through one buffer each way (the answers to the requests of one read go out in one write), and reads cinotify's output the same way on a thread of its own: every awaited read or write of its console streams was a thread-pool hop, and the woken pool threads spun in `sched_yield`. The target's agent in a local burst of 10,000 files (`strace -c`): 27,000 reads, 14,500 writes, 27,100 `sched_yield`, 207,000 system calls in all before; 4,700 reads, 4,700 writes, 800 `sched_yield`, 129,000 after. In the benchmark's process (`--tmpfs --skip ssh,peers,bigtree,rename,manypairs --repeats 5`, two runs with each agent, alternating), the local burst after the last write: 0.99 / 1.38 s → 0.78 / 1.02 s (against `rsync -a` 0.53 / 0.69 and 0.58 / 0.64 s: 1.87 / 2.00× → 1.34 / 1.59×). Also since then: a commit stats its target once (10,000 `statx` fewer in that burst); the engine reads the agents' frames through one buffer (the engine's CPU in a fresh `psync` and a burst of 10,000 files, medians of 6 alternating pairs, 485 → 435 ms) and parses rsync's progress lines in place (455 → 440 ms); a batch of requests goes in one write (within noise). Where a first sync's page goes now (50,000 files, timed in the engine): merging, taking, planning and the executor 170–240 ms before its rsync runs start; rsync 730–830 ms; after the last run ends 200–300 ms (the placed folders read back 22–45 ms and their records 70–90 ms a run of about 9,800 entries, one run after the other). In `psync -s` of 50,000 files the engine used about 2.0 s of CPU, of which the runtime and its JIT compiler took about 40 % of the samples. Measured and not kept: `DOTNET_TieredCompilation=0` for psync (first sync, 6 alternating pairs: CPU 5.14 → 4.83 s, wall 3.11 → 2.99 s; the no-change restart 0.530 → 0.555 s, whose goal has the thinner margin), `DOTNET_TC_QuickJit=0` and a 64 MB first GC generation (within noise), psync self-contained and compiled ahead as one composite image (first sync, 4 pairs: CPU 5.96 → 5.68 s, wall 3.60 → 3.46 s, for a 112 MB folder instead of 12 MB), a thread pool that does not spin for the engine in a burst (its CPU 515 → 505 ms, within noise).");
        md.AppendLine("- Since 2026-12-07 (late morning), A/B on tmpfs against the build before each step: a run of files asks rsync for its progress lines only when one of them is 1 MiB or more (a run with folders placed whole still asks, since they are committed only at their rename), and otherwise its progress is its files committed early (one rsync of 10,000 files of 4 KiB as Psync pulls it, medians of 5: 0.71 s with progress lines into a pipe, 0.53 s without, plain `rsync -a` 0.51 s; a fresh `psync` and a local burst of 10,000 files, 5 pairs: after the last write 1.38 → 1.08 s, the engine's CPU 720 → 610 ms, rsync's 1,130 → 1,030 ms); a batch with new folders that fits in one wave of rsync runs goes in two, two thirds and then a third, so the first wave's commits (a folder placed whole is committed and recorded only after its rsync) overlap the second's transfer (a first sync of 50,000 files, medians of 6 pairs: 3.75 → 3.52 s, again 3.04 → 3.00 s; files alone stay in one wave, since they are committed while their rsync runs: a local burst in two waves took 1.59 and 1.50× `rsync -a` in two benchmark runs, in one 1.37 and 1.38×); the index looks a path up and walks its entries through SQLite's own statements, as it writes them (a no-change restart of 50,000 files, 10 pairs: 0.695 → 0.595 s, CPU 1.06 → 0.91 s; a first sync 3.37 → 3.23 s); psync published compiled ahead compiles a method again after 10,000 calls instead of 30 (its recompiles took a tenth of all the CPU of a first sync: CPU 6.81 → 5.95 s and 5.21 → 5.04 s in two A/B runs, the restart unchanged). Also since then, one uncounted burst warms the benchmark's in-process engine first (see the burst goal above). Measured and not kept: psync without tiered compilation (a first sync's CPU 6.63 → 6.43 s and 6.63 → 6.07 s, but the no-change restart 0.535 → 0.560 s and 0.485 → 0.550 s); opening the index while the agents start (an empty pair's `psync -s` 178 → 169 ms, the restart 0.535 → 0.520 s: not worth the code). Measured, not built: rsync's progress for folders placed whole read from its `--log-file` instead of `--info=progress2` through a pipe (one rsync of 10,000 files: 0.64 s against 0.72 s; but a first sync with no progress lines at all was only 2.5 % faster, 4.31 → 4.20 s).");
        md.AppendLine("- Since 2026-12-07 (noon) a run with folders placed whole asks rsync for its progress lines only where it may last: over ssh, under a bandwidth limit, with a file of 1 MiB or more, or with 64 MiB or more in all; otherwise its progress comes when its folders are committed (runs are at most 10,000 entries). First syncs of 50,000 files on tmpfs, A/B against the build before, 5 or 6 alternating pairs: of 100 bytes 2.87 → 2.72 s (CPU 4.88 → 4.58 s), of 4 KiB 3.27 → 2.91 s (`rsync -a` 2.22 s). Where that first sync of 100-byte files goes now (per-process CPU from /proc, one run): rsync's 46 processes 2.44 s, the engine 1.29 s, the two agents 0.26 s, in 2.92 s on 2 cores; sampled every 100 ms, the cores are a third idle before the first rsync starts (0.3 s: the runtime's start, the agents, the first page's scan, merge and plan) and between pages (about 0.1–0.2 s each: merge, report, take, plan). Measured and not kept: three rsync runs at a time instead of two (2.75 → 2.71 s and 3.69 → 3.71 s, within noise), a first page of 3,000 or 6,000 entries so rsync starts sooner (2.91 → 3.04 / 3.01 s: each page boundary costs more than it saves), one page of 50,000 instead of 20,000 (2.85 → 2.76 s, 4 pairs; but the page is what bounds the engine's memory on a big tree), a 64 or 128 MB first GC generation, non-concurrent GC and a thread pool that does not spin (within noise). The engine's peak at 1,000,000 files is mostly what it remembers of its own writes for 30 s (against reports read before they finished): in a first sync of 1,000,000 files on tmpfs its oldest GC generation grew from 28 to 123 MB over the first 36 s and then stayed, so the faster a first sync, the higher that peak (290 MB on tmpfs against 278–284 MB on ext4).");
        md.AppendLine("- Since 2026-12-07 (afternoon) a run of folders placed whole, with every file under 1 MiB and no `-x` options, is written in place in its stage folder (`rsync --inplace`, without `--sparse`): rsync writes each file under its own name instead of a temporary name renamed once the file is whole, and the run is committed only when rsync ends without any error. One `rsync -a` of the 50,000 files on tmpfs, 3 alternating pairs: 2.76–2.89 s, with `--inplace` 2.07–2.10 s. First syncs of 50,000 files on tmpfs, A/B against the build before, alternating: 3.92 → 3.50 s (6 pairs, `rsync -a` 2.79 s) and 3.44 → 2.98 s (8 pairs, `rsync -a` 2.57 s), CPU in all processes 6.57 → 5.88 s and 5.72 → 5.15 s. Also since then, a reconcile page's paths are sorted only when they are not already in path order or reversed (the take between two pages 11–28 ms → 3–8 ms, timed in the engine). Where rsync's time goes with `--files-from` (`strace -c` of one run of 6,500 files): the sender names every file by its path, and rsync 3.5 reaches it through its folder each time (`newfstatat`, `openat` of the folder, `newfstatat`, `close`, `geteuid`), twice a file: 9 `newfstatat`, 7 `openat` and 6 `close` a file in all, against 5, 5 and 3 for `rsync -a --inplace` of the same folders. Measured and not kept: the next rsync run starting as soon as one ends instead of after the commit before it (2.60 → 2.65 s and 3.11 → 2.96 s, 6 and 8 pairs: within noise, the two cores are busy then), `DOTNET_TieredCompilation=0` or `DOTNET_TieredPGO=0` (the engine's CPU 1.62 → 1.57 / 1.69 s, 5 pairs), psync with invariant globalization (an empty pair 0.18 → 0.17 s). Not built: a new folder named to rsync by its root alone, recursing (the sender's double walk above gone), since rsync would then also send what the pair excludes.");
        md.AppendLine("- Waiting for a burst to arrive counts names every 20 ms and checks the sizes once all are there: the stat of every file at each poll, until 2026-12-06, took half a core from the tool measured (Psync's local burst on tmpfs: 1.46 s → 1.12 s for the same build; the rsync reference does not poll).");
        foreach (var n in r.Notes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {n}");
        }
        return md.ToString();
    }

    private static void Latency(StringBuilder md, string title, List<Row> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        md.AppendLine(title).AppendLine();
        md.AppendLine("| | runs | median ms | p99 ms | spread ms |").AppendLine("|---|---|---|---|---|");
        foreach (var row in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Label} | {row.Stats.Count} | {row.Stats.Median:F1} | {row.Stats.P99:F1} | {row.Stats.Spread("F1")} |");
        }
        md.AppendLine();
    }

    private static void Burst(StringBuilder md, string title, List<Row> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        md.AppendLine(title).AppendLine();
        md.AppendLine("| | runs | median s | spread s |").AppendLine("|---|---|---|---|");
        foreach (var row in rows)
        {
            SecondsRow(md, row.Label, row.Stats);
        }
        md.AppendLine();
    }

    private static void SecondsRow(StringBuilder md, string label, Stats s) =>
        md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {s.Count} | {s.Median:F2} | {s.Spread("F2")} |");
}
