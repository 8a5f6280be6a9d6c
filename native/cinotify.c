/* cinotify: watch a tree recursively with inotify and print one record per event.
 *
 * Record format and behaviour: docs/cinotify.md. Every record is four NUL-terminated fields,
 * EVENT FLAGS PATH ARG, with PATH relative to ROOT and passed as raw bytes.
 *
 * Exit status: 0 when stdin reaches end of file (or stdout's reader is gone), 1 on an
 * unexpected run-time error, 2 on a usage or start-up error, 3 after ROOT_GONE.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WATCH_MASK                                                                                 \
    (IN_CREATE | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |            \
     IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW | IN_ONLYDIR | IN_EXCL_UNLINK)

/* How long an unpaired IN_MOVED_FROM waits for its IN_MOVED_TO. The kernel queues both halves
 * of a rename back to back, so this only has to cover a reader that catches the queue between
 * the two (or a renaming thread preempted between them). */
#define MOVE_GRACE_NS (10 * 1000 * 1000LL)

/* Directories below these prefixes are not descended into: the agent's trash can be huge and
 * nothing that happens inside it matters; rsync's temporary files in a stage folder are the
 * engine's own and only become the tree's when committed, which arrives as a move in (a folder
 * placed whole is then watched and read like any folder moved in). `.psync/trash` and
 * `.psync/stage` themselves are watched. */
#define TRASH_PREFIX ".psync/trash/"
#define STAGE_PREFIX ".psync/stage/"

#define READ_BUF_SIZE (64 * 1024)

struct buf {
    char *data;
    size_t len, cap;
};

struct int_vec {
    int *v;
    size_t len, cap;
};

/* One inotify watch: a directory and its path relative to ROOT ("" for ROOT). */
struct watch {
    int wd; /* 0: empty slot (kernel watch descriptors start at 1) */
    int detached;
    unsigned gen;
    size_t len;
    char *path;
};

/* wd -> watch, open addressing with linear probing and backward-shift deletion. */
struct watch_map {
    struct watch *slots;
    size_t cap, count;
};

/* An IN_MOVED_FROM waiting for the IN_MOVED_TO with the same cookie. */
struct pending_move {
    uint32_t cookie;
    int isdir;
    char *path;
    struct int_vec wds; /* the moved directory's watch and its descendants' (detached) */
    struct buf side;    /* events inside the moved directory, held until we know where it is */
    long long seen_ns;  /* when the read that delivered it returned */
    size_t hold_off;    /* where its MOVED_OUT goes in the held output */
};

struct ctx {
    const char *root;
    int ifd;
    int root_wd;
    /* ROOT's parent, watched for ROOT's own name only: IN_DELETE_SELF on ROOT comes only once
     * nobody holds ROOT open (the agent does), the parent's IN_DELETE comes at once. */
    int parent_wd;
    char *root_name;
    long max_watches; /* CINOTIFY_MAX_WATCHES, or -1 */
    unsigned gen;
    struct watch_map watches;
    struct pending_move *pending;
    size_t npending, cap_pending;
    /* Records that follow a pending MOVED_FROM are held back until it is resolved, so that a
     * MOVED_OUT is never reported after what happened at the same path later. */
    struct buf held;
    int exit_code;
};

/* ---- errors -------------------------------------------------------------------------------- */

static int stop(struct ctx *c, int code, const char *what) {
    if (what)
        fprintf(stderr, "cinotify: %s: %s\n", what, strerror(errno));
    c->exit_code = code;
    return -1;
}

static int out_of_memory(struct ctx *c) {
    errno = ENOMEM;
    return stop(c, 1, "out of memory");
}

static int output_failed(struct ctx *c) {
    /* Whoever reads our output is gone: that is an end, not an error. */
    if (errno == EPIPE)
        return stop(c, 0, NULL);
    return stop(c, 1, "write to stdout");
}

/* ---- small helpers ------------------------------------------------------------------------- */

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int buf_reserve(struct buf *b, size_t extra) {
    if (b->len + extra <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static int buf_append(struct buf *b, const void *p, size_t n) {
    if (buf_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int vec_push(struct int_vec *v, int x) {
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        int *p = realloc(v->v, cap * sizeof *p);
        if (!p)
            return -1;
        v->v = p;
        v->cap = cap;
    }
    v->v[v->len++] = x;
    return 0;
}

/* dir + "/" + name, or name alone when dir is ROOT (""). */
static char *join(const char *dir, const char *name) {
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    if (dl) {
        memcpy(p, dir, dl);
        p[dl++] = '/';
    }
    memcpy(p + dl, name, nl + 1);
    return p;
}

static char *full_path(const struct ctx *c, const char *rel) {
    return *rel ? join(c->root, rel) : strdup(c->root);
}

static int is_no_descend(const char *rel) {
    return strncmp(rel, TRASH_PREFIX, sizeof TRASH_PREFIX - 1) == 0 ||
           strncmp(rel, STAGE_PREFIX, sizeof STAGE_PREFIX - 1) == 0;
}

static int is_under(const char *path, size_t len, const char *prefix, size_t plen) {
    return len >= plen && memcmp(path, prefix, plen) == 0 && (len == plen || path[plen] == '/');
}

/* The first line of a /proc/sys file, or "?" when it cannot be read. */
static void read_sysctl(const char *file, char *out, size_t size) {
    snprintf(out, size, "?");
    FILE *f = fopen(file, "re");
    if (!f)
        return;
    if (fgets(out, (int)size, f))
        out[strcspn(out, "\n")] = '\0';
    else
        snprintf(out, size, "?");
    fclose(f);
}

/* ---- watch map ----------------------------------------------------------------------------- */

static size_t slot_of(const struct watch_map *m, int wd) {
    return ((uint32_t)wd * 2654435761u) & (m->cap - 1);
}

static struct watch *map_get(const struct watch_map *m, int wd) {
    if (!m->cap || wd <= 0)
        return NULL;
    for (size_t i = slot_of(m, wd);; i = (i + 1) & (m->cap - 1)) {
        if (m->slots[i].wd == wd)
            return &m->slots[i];
        if (m->slots[i].wd == 0)
            return NULL;
    }
}

static struct watch *map_insert_slot(struct watch_map *m, int wd) {
    size_t i = slot_of(m, wd);
    while (m->slots[i].wd != 0)
        i = (i + 1) & (m->cap - 1);
    return &m->slots[i];
}

static int map_grow(struct watch_map *m) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    struct watch *old = m->slots;
    size_t old_cap = m->cap;
    m->slots = calloc(cap, sizeof *m->slots);
    if (!m->slots) {
        m->slots = old;
        return -1;
    }
    m->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].wd != 0)
            *map_insert_slot(m, old[i].wd) = old[i];
    free(old);
    return 0;
}

/* Stores path (taking ownership) for wd, replacing the path of an existing entry. */
static int map_put(struct watch_map *m, int wd, char *path, unsigned gen) {
    struct watch *w = map_get(m, wd);
    if (!w) {
        if ((m->count + 1) * 4 > m->cap * 3 && map_grow(m) < 0)
            return -1;
        w = map_insert_slot(m, wd);
        w->wd = wd;
        m->count++;
    } else {
        free(w->path);
    }
    w->path = path;
    w->len = strlen(path);
    w->detached = 0;
    w->gen = gen;
    return 0;
}

static void map_remove(struct watch_map *m, int wd) {
    struct watch *w = map_get(m, wd);
    if (!w)
        return;
    free(w->path);
    size_t mask = m->cap - 1, i = (size_t)(w - m->slots), j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (m->slots[j].wd == 0)
            break;
        size_t k = slot_of(m, m->slots[j].wd);
        /* Move slot j back into the hole unless its home k lies cyclically in (i, j]. */
        if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    memset(&m->slots[i], 0, sizeof m->slots[i]);
    m->count--;
}

static void map_free(struct watch_map *m) {
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].path);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* Stops watching wd. The kernel's IN_IGNORED for it then finds nothing. */
static void drop_watch(struct ctx *c, int wd) {
    inotify_rm_watch(c->ifd, wd);
    map_remove(&c->watches, wd);
}

/* ---- output -------------------------------------------------------------------------------- */

static int record_append(struct buf *b, const char *ev, int isdir, const char *path,
                         const char *arg) {
    if (buf_append(b, ev, strlen(ev) + 1) < 0 ||
        buf_append(b, isdir ? "d" : "", isdir ? 2 : 1) < 0 ||
        buf_append(b, path, strlen(path) + 1) < 0 || buf_append(b, arg, strlen(arg) + 1) < 0)
        return -1;
    return 0;
}

static int put(struct ctx *c, const void *p, size_t n) {
    if (n && fwrite(p, 1, n, stdout) != n)
        return output_failed(c);
    return 0;
}

static int put_record(struct ctx *c, const char *ev, int isdir, const char *path, const char *arg) {
    if (fwrite(ev, 1, strlen(ev) + 1, stdout) != strlen(ev) + 1 ||
        fwrite(isdir ? "d" : "", 1, isdir ? 2 : 1, stdout) != (isdir ? 2u : 1u) ||
        fwrite(path, 1, strlen(path) + 1, stdout) != strlen(path) + 1 ||
        fwrite(arg, 1, strlen(arg) + 1, stdout) != strlen(arg) + 1)
        return output_failed(c);
    return 0;
}

static int emit(struct ctx *c, const char *ev, int isdir, const char *path, const char *arg) {
    if (c->npending) {
        if (record_append(&c->held, ev, isdir, path, arg) < 0)
            return out_of_memory(c);
        return 0;
    }
    return put_record(c, ev, isdir, path, arg);
}

/* Drops the first n bytes of the held output (already written). */
static void consume_held(struct ctx *c, size_t n) {
    if (!n)
        return;
    memmove(c->held.data, c->held.data + n, c->held.len - n);
    c->held.len -= n;
    for (size_t i = 0; i < c->npending; i++)
        c->pending[i].hold_off -= n;
    if (c->held.len == 0 && c->held.cap > 1024 * 1024) {
        /* Held back during a big scan: do not keep that much for good. */
        free(c->held.data);
        memset(&c->held, 0, sizeof c->held);
    }
}

/* Writes the held records that no pending move precedes any more. */
static int release_held(struct ctx *c) {
    size_t n = c->npending ? c->pending[0].hold_off : c->held.len;
    if (!n)
        return 0;
    if (put(c, c->held.data, n) < 0)
        return -1;
    consume_held(c, n);
    return 0;
}

static int flush_output(struct ctx *c) {
    if (release_held(c) < 0)
        return -1;
    if (fflush(stdout) != 0)
        return output_failed(c);
    return 0;
}

/* ---- watching and scanning ----------------------------------------------------------------- */

/* Adds a watch on rel. Returns 1 when rel is watched, 0 when it is not (the failure has been
 * reported, or the directory is gone), -1 to stop. */
static int add_watch(struct ctx *c, const char *rel) {
    char *full = full_path(c, rel);
    if (!full)
        return out_of_memory(c);
    int wd = inotify_add_watch(c->ifd, full, WATCH_MASK);
    int err = errno;
    free(full);
    if (wd >= 0 && c->max_watches >= 0 && !map_get(&c->watches, wd) &&
        c->watches.count >= (size_t)c->max_watches) {
        inotify_rm_watch(c->ifd, wd);
        wd = -1;
        err = ENOSPC;
    }
    if (wd < 0) {
        char arg[64];
        switch (err) {
        case ENOENT:
        case ENOTDIR:
            /* Deleted, or replaced by a file or a symlink, since it was seen: the event for
             * that follows. */
            return 0;
        case ENOSPC:
            if (c->max_watches >= 0)
                snprintf(arg, sizeof arg, "%ld", c->max_watches);
            else
                read_sysctl("/proc/sys/fs/inotify/max_user_watches", arg, sizeof arg);
            return emit(c, "WATCH_LIMIT", 1, rel, arg) < 0 ? -1 : 0;
        default:
            return emit(c, "WATCH_ERROR", 1, rel, strerror(err)) < 0 ? -1 : 0;
        }
    }
    char *copy = strdup(rel);
    if (!copy || map_put(&c->watches, wd, copy, c->gen) < 0) {
        free(copy);
        return out_of_memory(c);
    }
    return 1;
}

/* Lists rel: reports each entry as CREATE when report is set, and pushes each subdirectory on
 * todo. A directory that cannot be opened (gone, or not readable) is skipped. */
static int scan_dir(struct ctx *c, const char *rel, int report, struct buf *todo) {
    char *full = full_path(c, rel);
    if (!full)
        return out_of_memory(c);
    int fd = open(full, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    free(full);
    if (fd < 0)
        return 0;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return 0;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
            continue;
        int isdir = de->d_type == DT_DIR;
        if (de->d_type == DT_UNKNOWN) {
            struct stat st;
            isdir = fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        char *child = join(rel, name);
        if (!child) {
            rc = out_of_memory(c);
            break;
        }
        if (report)
            rc = emit(c, "FOUND", isdir, child, "");
        if (rc == 0 && isdir) {
            if (buf_append(todo, &child, sizeof child) < 0)
                rc = out_of_memory(c);
            else
                child = NULL; /* now owned by todo */
        }
        free(child);
    }
    closedir(d);
    return rc;
}

/* Watches rel and everything below it. Each directory is watched first and listed second, so
 * whatever is created in it before its watch existed is still found (and reported as CREATE
 * when report is set). Iterative, so deep trees cost no stack and one descriptor at a time. */
static int watch_tree(struct ctx *c, const char *rel, int report) {
    struct buf todo = {0};
    char *first = strdup(rel);
    if (!first || buf_append(&todo, &first, sizeof first) < 0) {
        free(first);
        free(todo.data);
        return out_of_memory(c);
    }
    int rc = 0;
    while (todo.len) {
        char *dir;
        todo.len -= sizeof dir;
        memcpy(&dir, todo.data + todo.len, sizeof dir);
        if (rc == 0 && !is_no_descend(dir)) {
            int watched = add_watch(c, dir);
            if (watched < 0)
                rc = -1;
            else if (watched)
                rc = scan_dir(c, dir, report, &todo);
        }
        free(dir);
    }
    free(todo.data);
    return rc;
}

/* ---- moves --------------------------------------------------------------------------------- */

/* Detaches the watches of the directory at path and of its descendants, collecting their wds,
 * so that nothing else that later appears at the same path is confused with them. */
static int detach_subtree(struct ctx *c, const char *path, struct int_vec *out) {
    size_t plen = strlen(path);
    for (size_t i = 0; i < c->watches.cap; i++) {
        struct watch *w = &c->watches.slots[i];
        if (w->wd == 0 || w->detached || w->wd == c->root_wd ||
            !is_under(w->path, w->len, path, plen))
            continue;
        if (vec_push(out, w->wd) < 0)
            return out_of_memory(c);
        w->detached = 1;
    }
    return 0;
}

static void free_pending(struct pending_move *p) {
    free(p->path);
    free(p->wds.v);
    free(p->side.data);
}

static void remove_pending(struct ctx *c, size_t i) {
    free_pending(&c->pending[i]);
    memmove(&c->pending[i], &c->pending[i + 1], (c->npending - i - 1) * sizeof *c->pending);
    c->npending--;
}

static int add_pending(struct ctx *c, uint32_t cookie, int isdir, char *path, long long seen) {
    if (c->npending == c->cap_pending) {
        size_t cap = c->cap_pending ? c->cap_pending * 2 : 16;
        struct pending_move *p = realloc(c->pending, cap * sizeof *p);
        if (!p) {
            free(path);
            return out_of_memory(c);
        }
        c->pending = p;
        c->cap_pending = cap;
    }
    struct pending_move *p = &c->pending[c->npending++];
    memset(p, 0, sizeof *p);
    p->cookie = cookie;
    p->isdir = isdir;
    p->path = path;
    p->seen_ns = seen;
    p->hold_off = c->held.len;
    return isdir ? detach_subtree(c, path, &p->wds) : 0;
}

/* Reports the pending moves whose pair would have been queued before a read that started at
 * read_start (all of them when read_start is LLONG_MAX) as MOVED_OUT, each in its place in the
 * output, and forgets the watches of the directories that left the tree. The pending moves are
 * in arrival order, so those that expire are a prefix: one pass, however many there are. */
static int expire_moves(struct ctx *c, long long read_start) {
    size_t k = 0;
    while (k < c->npending &&
           (read_start == LLONG_MAX || c->pending[k].seen_ns + MOVE_GRACE_NS <= read_start))
        k++;
    if (!k)
        return 0;
    size_t written = 0;
    int rc = 0;
    for (size_t i = 0; i < k; i++) {
        struct pending_move *p = &c->pending[i];
        if (rc == 0 && p->hold_off > written)
            rc = put(c, c->held.data + written, p->hold_off - written);
        written = p->hold_off;
        if (rc == 0)
            rc = put_record(c, "MOVED_OUT", p->isdir, p->path, "");
        for (size_t j = 0; j < p->wds.len; j++) {
            struct watch *w = map_get(&c->watches, p->wds.v[j]);
            if (w && w->detached)
                drop_watch(c, w->wd);
        }
        free_pending(p);
    }
    memmove(c->pending, c->pending + k, (c->npending - k) * sizeof *c->pending);
    c->npending -= k;
    consume_held(c, written);
    return rc < 0 ? -1 : release_held(c);
}

/* An event inside a directory whose IN_MOVED_FROM is pending. If the directory turns out to have
 * moved inside the tree, it is reported under the new path after the MOVE; if it left the tree,
 * it happened outside and is dropped. */
static int side_event(struct ctx *c, const struct watch *w, const struct inotify_event *ev) {
    struct pending_move *p = NULL;
    for (size_t i = 0; i < c->npending && !p; i++)
        for (size_t k = 0; k < c->pending[i].wds.len; k++)
            if (c->pending[i].wds.v[k] == w->wd) {
                p = &c->pending[i];
                break;
            }
    uint32_t m = ev->mask;
    const char *name = m & IN_CREATE        ? "CREATE"
                       : m & IN_CLOSE_WRITE ? "WRITE"
                       : m & IN_ATTRIB      ? "ATTRIB"
                       : m & IN_DELETE      ? "DELETE"
                       : m & IN_MOVED_FROM  ? "MOVED_OUT" /* its pair, if any, is MOVED_IN */
                       : m & IN_MOVED_TO    ? "MOVED_IN"
                                            : NULL;
    if (!p || !name || ev->len == 0 || ev->name[0] == '\0')
        return 0;
    char *path = join(w->path, ev->name);
    if (!path)
        return out_of_memory(c);
    int rc = record_append(&p->side, name, (m & IN_ISDIR) != 0, path + strlen(p->path), "");
    free(path);
    return rc < 0 ? out_of_memory(c) : 0;
}

/* Reports the events held for a directory that moved inside the tree, under its new path. */
static int replay_side(struct ctx *c, const struct buf *side, const char *to) {
    for (size_t off = 0; off < side->len;) {
        const char *ev = side->data + off;
        const char *flags = ev + strlen(ev) + 1;
        const char *suffix = flags + strlen(flags) + 1;
        off = (size_t)(suffix - side->data) + strlen(suffix) + 2; /* and the empty ARG */
        int isdir = flags[0] == 'd';
        char *path = malloc(strlen(to) + strlen(suffix) + 1);
        if (!path)
            return out_of_memory(c);
        strcpy(path, to);
        strcat(path, suffix);
        int rc = emit(c, ev, isdir, path, "");
        if (rc == 0 && isdir && (strcmp(ev, "CREATE") == 0 || strcmp(ev, "MOVED_IN") == 0))
            rc = watch_tree(c, path, 1);
        free(path);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* A rename inside the tree: one MOVE, and the watches follow the directory. */
static int complete_move(struct ctx *c, size_t i, const char *to) {
    struct pending_move p = c->pending[i];
    c->pending[i].path = NULL;
    c->pending[i].wds.v = NULL;
    c->pending[i].side.data = NULL;
    remove_pending(c, i);
    int rc = release_held(c);
    if (rc == 0)
        rc = emit(c, "MOVE", p.isdir, p.path, to);
    if (rc == 0 && p.isdir) {
        size_t from_len = strlen(p.path), watched = 0;
        for (size_t k = 0; rc == 0 && k < p.wds.len; k++) {
            struct watch *w = map_get(&c->watches, p.wds.v[k]);
            if (!w || !w->detached)
                continue;
            char *np = malloc(strlen(to) + (w->len - from_len) + 1);
            if (!np) {
                rc = out_of_memory(c);
                break;
            }
            strcpy(np, to);
            strcat(np, w->path + from_len);
            free(w->path);
            w->path = np;
            w->len = strlen(np);
            w->detached = 0;
            if (is_no_descend(np))
                drop_watch(c, w->wd);
            else
                watched++;
        }
        /* Not watched where it came from (the trash, or a failed watch): watch it now. */
        if (rc == 0 && watched == 0)
            rc = watch_tree(c, to, 1);
        if (rc == 0)
            rc = replay_side(c, &p.side, to);
    }
    free_pending(&p);
    return rc;
}

/* ---- events -------------------------------------------------------------------------------- */

static int root_gone(struct ctx *c) {
    if (expire_moves(c, LLONG_MAX) < 0 || emit(c, "ROOT_GONE", 0, "", "") < 0 ||
        flush_output(c) < 0)
        return -1;
    c->exit_code = 3;
    return -1;
}

/* Events were lost: the watches may no longer match the tree. Watch the whole tree again
 * (first), drop the watches of directories that were not found, then report OVERFLOW so that
 * the agent rescans (second). */
static int overflow(struct ctx *c) {
    if (expire_moves(c, LLONG_MAX) < 0)
        return -1;
    c->gen++;
    if (watch_tree(c, "", 0) < 0)
        return -1;
    struct int_vec stale = {0};
    for (size_t i = 0; i < c->watches.cap; i++) {
        const struct watch *w = &c->watches.slots[i];
        if (w->wd != 0 && w->gen != c->gen && w->wd != c->root_wd && vec_push(&stale, w->wd) < 0) {
            free(stale.v);
            return out_of_memory(c);
        }
    }
    for (size_t k = 0; k < stale.len; k++)
        drop_watch(c, stale.v[k]);
    free(stale.v);
    char arg[64];
    read_sysctl("/proc/sys/fs/inotify/max_queued_events", arg, sizeof arg);
    return emit(c, "OVERFLOW", 0, "", arg);
}

static int handle_event(struct ctx *c, const struct inotify_event *ev, long long seen) {
    uint32_t m = ev->mask;
    if (m & IN_Q_OVERFLOW)
        return overflow(c);
    if (ev->wd == c->root_wd && (m & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED)))
        return root_gone(c);
    if (ev->wd == c->parent_wd) {
        if (m & IN_IGNORED)
            c->parent_wd = -1;
        else if ((m & (IN_DELETE | IN_MOVED_FROM)) && ev->len &&
                 strcmp(ev->name, c->root_name) == 0)
            return root_gone(c);
        return 0;
    }
    if (m & IN_IGNORED) {
        map_remove(&c->watches, ev->wd);
        return 0;
    }
    const struct watch *w = map_get(&c->watches, ev->wd);
    if (!w)
        return 0; /* a watch already dropped */
    if (w->detached)
        return side_event(c, w, ev);
    if (ev->len == 0 || ev->name[0] == '\0') {
        /* Events on a watched directory itself; the parent's watch reports them with a name,
         * except for ROOT. */
        if (ev->wd == c->root_wd && (m & IN_ATTRIB))
            return emit(c, "ATTRIB", 1, "", "");
        return 0;
    }
    int isdir = (m & IN_ISDIR) != 0;
    char *path = join(w->path, ev->name);
    if (!path)
        return out_of_memory(c);
    int rc = 0;
    if (m & IN_CREATE) {
        rc = emit(c, "CREATE", isdir, path, "");
        if (rc == 0 && isdir)
            rc = watch_tree(c, path, 1);
    } else if (m & IN_CLOSE_WRITE) {
        rc = emit(c, "WRITE", isdir, path, "");
    } else if (m & IN_ATTRIB) {
        rc = emit(c, "ATTRIB", isdir, path, "");
    } else if (m & IN_DELETE) {
        rc = emit(c, "DELETE", isdir, path, "");
    } else if (m & IN_MOVED_FROM) {
        rc = add_pending(c, ev->cookie, isdir, path, seen);
        path = NULL; /* owned by the pending move */
    } else if (m & IN_MOVED_TO) {
        size_t i = c->npending;
        while (i > 0 && c->pending[i - 1].cookie != ev->cookie)
            i--;
        if (i > 0) {
            i--;
            rc = complete_move(c, i, path);
        } else {
            rc = emit(c, "MOVED_IN", isdir, path, "");
            if (rc == 0 && isdir)
                rc = watch_tree(c, path, 1);
        }
    }
    free(path);
    return rc;
}

/* Reads and handles what is queued on the inotify descriptor, one flushed batch per read. Stops
 * after a few reads even if more is queued, so that stdin is still checked during a storm. */
static int drain_inotify(struct ctx *c, char *buf) {
    for (int reads = 0; reads < 16; reads++) {
        long long start = now_ns();
        ssize_t n = read(c->ifd, buf, READ_BUF_SIZE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            return stop(c, 1, "read inotify");
        long long seen = now_ns();
        for (ssize_t off = 0; off < n;) {
            const struct inotify_event *ev = (const struct inotify_event *)(buf + off);
            if (handle_event(c, ev, seen) < 0)
                return -1;
            off += (ssize_t)(sizeof *ev + ev->len);
        }
        /* Any MOVED_TO queued right after a pending MOVED_FROM was in this read. */
        if (expire_moves(c, start) < 0 || flush_output(c) < 0)
            return -1;
        if (n < 0)
            return 0; /* EAGAIN: drained */
    }
    return 0;
}

/* Milliseconds until the oldest pending move expires, -1 when none is pending. */
static int poll_timeout(const struct ctx *c) {
    if (!c->npending)
        return -1;
    long long left = c->pending[0].seen_ns + MOVE_GRACE_NS - now_ns();
    if (left <= 0)
        return 0;
    return (int)((left + 999999) / 1000000);
}

/* Returns 1 when stdin reached end of file (or failed), 0 otherwise. */
static int stdin_closed(short revents) {
    if (revents & (POLLERR | POLLNVAL))
        return 1;
    if (revents & POLLIN) {
        char tmp[4096];
        ssize_t n = read(STDIN_FILENO, tmp, sizeof tmp);
        if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN)))
            return 0;
        return 1;
    }
    return (revents & POLLHUP) != 0;
}

static int run(struct ctx *c) {
    static char buf[READ_BUF_SIZE] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        struct pollfd fds[2] = {{.fd = c->ifd, .events = POLLIN},
                                {.fd = STDIN_FILENO, .events = POLLIN}};
        int timeout = poll_timeout(c);
        int n = poll(fds, 2, timeout);
        if (n < 0 && errno != EINTR)
            return stop(c, 1, "poll");
        if (n > 0 && stdin_closed(fds[1].revents))
            return stop(c, 0, NULL);
        if ((n > 0 && fds[0].revents) || c->npending) {
            if (drain_inotify(c, buf) < 0)
                return -1;
        }
    }
}

/* ---- start --------------------------------------------------------------------------------- */

static int start(struct ctx *c, const char *arg) {
    char *root = realpath(arg, NULL);
    if (!root)
        return stop(c, 2, arg);
    c->root = root;
    struct stat st;
    if (stat(root, &st) < 0)
        return stop(c, 2, root);
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return stop(c, 2, root);
    }
    const char *limit = getenv("CINOTIFY_MAX_WATCHES");
    if (limit && *limit) {
        char *end;
        errno = 0;
        c->max_watches = strtol(limit, &end, 10);
        if (errno || *end || c->max_watches < 1) {
            fprintf(stderr, "cinotify: CINOTIFY_MAX_WATCHES: not a positive number: %s\n", limit);
            c->exit_code = 2;
            return -1;
        }
    }
    c->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (c->ifd < 0)
        return stop(c, 2, "inotify_init1");
    c->root_wd = inotify_add_watch(c->ifd, root, WATCH_MASK);
    if (c->root_wd < 0)
        return stop(c, 2, root);
    char *empty = strdup("");
    if (!empty || map_put(&c->watches, c->root_wd, empty, c->gen) < 0) {
        free(empty);
        return out_of_memory(c);
    }
    char *slash = strrchr(root, '/');
    if (slash && slash[1] != '\0') {
        c->root_name = strdup(slash + 1);
        if (!c->root_name)
            return out_of_memory(c);
        *slash = '\0';
        /* Not fatal: without it a deleted ROOT is still noticed once it is no longer held. */
        c->parent_wd = inotify_add_watch(c->ifd, slash == root ? "/" : root,
                                         IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR | IN_DONT_FOLLOW);
        *slash = '/';
    }
    /* The root is watched: a failure below is reported as a record, not fatal. */
    struct buf todo = {0};
    int rc = scan_dir(c, "", 0, &todo);
    while (todo.len) {
        char *dir;
        todo.len -= sizeof dir;
        memcpy(&dir, todo.data + todo.len, sizeof dir);
        if (rc == 0)
            rc = watch_tree(c, dir, 0);
        free(dir);
    }
    free(todo.data);
    if (rc < 0)
        return -1;
    char count[32];
    snprintf(count, sizeof count, "%zu", c->watches.count);
    if (emit(c, "READY", 0, "", count) < 0 || flush_output(c) < 0)
        return -1;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2 || argv[1][0] == '\0') {
        fprintf(stderr, "usage: cinotify ROOT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    static char outbuf[64 * 1024];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    struct ctx c = {.ifd = -1, .root_wd = -1, .parent_wd = -1, .max_watches = -1};
    if (start(&c, argv[1]) == 0)
        run(&c);

    for (size_t i = 0; i < c.npending; i++)
        free_pending(&c.pending[i]);
    free(c.pending);
    free(c.held.data);
    map_free(&c.watches);
    if (c.ifd >= 0)
        close(c.ifd);
    free((char *)c.root);
    free(c.root_name);
    return c.exit_code;
}
