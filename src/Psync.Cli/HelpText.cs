using System.Globalization;
using System.Reflection;
using Psync.Engine;

namespace Psync.Cli;

/// <summary>The text of --help and --version.</summary>
internal static class HelpText
{
    public static string Version { get; } =
        typeof(HelpText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static string Text
    {
        get
        {
            var defaults = new PairOptions { LeftRoot = "/", RightRoot = "/", DataDir = "/" };
            var hold = defaults.DeleteHold.TotalMilliseconds.ToString(CultureInfo.InvariantCulture);
            var trashDays = defaults.TrashRetention.TotalDays.ToString(CultureInfo.InvariantCulture);
            var share = defaults.MaxDeleteShare.ToString(CultureInfo.InvariantCulture);
            return $$"""
                usage: psync [options] SRC DST
                       psync check [check options] SRC DST
                       psync conflicts [options] SRC DST
                       psync flush [--url URL] [--timeout SECONDS] PAIR

                Keeps the directory trees SRC and DST identical, in both directions, in near real time.
                SRC is on this host; DST too, or on HOST with -r. Options may come anywhere; -- ends them.

                options:
                  -h, --help                 show this help and exit
                  --version                  print the version and exit
                  -r, --remote-host=[USER@]HOST[:PORT]
                                             DST is on HOST, reached over SSH (default: DST is on this host)
                  -i, --identity=FILE        the SSH private key for -r; if it has a passphrase, psync asks for
                                             it at a terminal, or reads $PSYNC_KEY_PASSPHRASE
                  --ssh-agent                log in with the keys of your running ssh-agent ($SSH_AUTH_SOCK);
                                             with -i, only with that key (its .pub beside it)
                  --accept-host-key=SHA256:… trust HOST's key when it has this fingerprint (on first contact
                                             psync prints it, and asks at a terminal; a changed key is
                                             always refused)
                  -d, --debug=LEVEL          log to stderr: 1 info, 2 event tracking, 3 trace
                                             (default: warnings and errors only)
                  -t, --tempfiles=REGEX      paths matching REGEX are temporary files, never synced (repeatable)
                  -e, --excludes=REGEX       paths matching REGEX, and what is below them, are not synced
                                             (a .NET regex searched in the relative path; repeatable)
                  --rsync-excludes=PATTERN   like -e, with an rsync glob: * ** ? [...], a leading / anchors
                                             at the root, a name without / matches at any depth (repeatable)
                  -x, --extra="OPTIONS"      extra rsync options, e.g. "-L --bwlimit=1000" (split like a shell,
                                             never run by one; --delete, --inplace, -R and others that would
                                             undo Psync's staging are refused)
                  -b, --banned=PROG          exit (code 4) while a program named PROG runs; checked at start
                                             and every second (repeatable)
                  -T, --translate=OLD:NEW    replace the leading path element(s) OLD of DST with NEW
                  -n, --dry-run              plan and log what would be done, change nothing
                  -s, --sync-only            sync both trees once, then exit
                  -k, --skip-initial-sync    trust that the trees are in sync: skip the comparison at start
                  -f, --force                remove a directory deleted on the other side even when it still
                                             holds files there (they go to the trash)
                  --no-fsync                 commit files without syncing them to disk first (faster on slow
                                             disks; a power loss soon after may leave a torn file)
                  -X, --xattrs               keep extended attributes (all outside system.; user. when not root)
                  -A, --acls                 keep POSIX ACLs
                  --mode=MODE                two-way (default): changes sync both ways; one-way-safe: left to
                                             right, the right's own new or changed files are kept and listed as
                                             conflicts; mirror: the right becomes the left, its own changes go
                                             to its trash (in both, a file deleted on the right comes back)
                  --conflicts=POLICY         when both sides changed a file: ask (default): keep both, the other
                                             as a conflict copy, until you settle it; newer, left or right: that
                                             version wins at once, the other goes to its side's trash (two-way only)
                  --data-dir=DIR             keep this pair's state index in DIR (default: a folder per pair in
                                             $PSYNC_DATA, else $XDG_STATE_HOME/psync, else ~/.local/state/psync)
                  --hold=MS                  hold deletes and moves MS milliseconds, so an editor's save dance
                                             arrives as one change (default {{hold}})
                  --trash-days=DAYS          keep deleted and replaced versions in .psync/trash/ on each side
                                             for DAYS days (default {{trashDays}})
                  --max-delete-share=FRACTION
                                             pause when a plan would delete more than FRACTION of the tree
                                             (default {{share}})
                  --bwlimit=KIBS             limit each rsync batch to KIBS KiB/s (default 0: no limit)
                  --window=HH:MM-HH:MM=RATE  from HH:MM to HH:MM (local time; may wrap past midnight) use
                                             RATE instead: KiB/s, 0 or unlimited, or off (changes are
                                             collected, nothing syncs until the window ends); repeatable,
                                             windows must not overlap; a new rate applies from the next
                                             batch (one in flight keeps its rate)
                  --agent=PATH               the psync-agent program, or the folder of static agents
                                             scripts/publish-agent.sh writes (artifacts/agent: one per CPU,
                                             uploaded to right hosts) (default: $PSYNC_AGENT, else next to psync)

                psync check [check options] SRC DST
                  Compares two trees on this host as the sync sees them: kind, size, mtime (ns), permission
                  bits, symlink targets, empty directories. Prints one line per difference and a summary.
                  -c, --checksum             also compare the contents (SHA-256) of files of equal size
                  -X, --xattrs, -A, --acls   also compare extended attributes, ACLs
                  -e, --excludes=REGEX       leave out matching paths, as above (repeatable)
                  -t, --tempfiles=REGEX      leave out temporary files, as above (repeatable)
                  --rsync-excludes=PATTERN   leave out matching paths, as above (repeatable)
                  --agent=PATH               the psync-agent program, as above

                psync conflicts [options] SRC DST
                  Lists the pair's conflicts (both versions were kept: the other one as
                  NAME.psync-conflict-DATE-TIME-SIDE.EXT). Give the options the pair runs with
                  (--data-dir, -r, -T), so that the same data folder is found.

                {{FlushCommand.Usage.Replace("usage: ", "", StringComparison.Ordinal)}}
                exit codes:
                  0    ok, or stopped cleanly (Ctrl-C, SIGTERM)
                  1    sync error (or the pair could not start)
                  2    usage error
                  3    paused by a guard (with -s): a root missing or empty, or too many deletes;
                       or outside its sync window (--window ...=off)
                  4    a banned program (-b) is running
                  130  interrupted twice (a second Ctrl-C quits at once)
                  check: 0 identical, 1 differences found, 2 error

                """;
        }
    }
}
