/* psync-rsync-stream SOCKET N SSH-WORDS... HOST rsync --server ...
 *
 * rsync's "remote shell" for a remote pair: rsync -e 'psync-rsync-stream SOCKET N ssh ...'. It
 * connects to SOCKET (the engine's ssh forwards it to the remote agent's rsync server, see
 * src/Psync.Agent/RsyncServer.cs), names the command rsync asked for, and relays rsync's input
 * and output; a second connection carries the command's standard error. If the socket is not
 * there, or the agent does not answer (ssh may refuse to forward), it runs the N ssh words and
 * what follows instead, as rsync would have without it: the transfer then costs a login shell,
 * but it still happens.
 *
 * A C program rather than the agent's own mode: it starts once per transfer, and a static C
 * program starts in well under a millisecond where the NativeAOT agent takes about 3.
 *
 * The protocol: a header of words, each NUL-terminated, then an empty word. "psync-stderr TOKEN"
 * offers the connection for the standard error of the command whose first word is
 * "psync-stderr=TOKEN"; the command's connection answers one zero byte once the command runs.
 * Nothing but the header may be sent before that answer. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE (256 * 1024)
#define ANSWER_TIMEOUT_S 30
#define STDERR_GRACE_MS 5000

static int connect_to(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* FIRST, then the N words of WORDS, each NUL-terminated, then an empty word. */
static int send_header(int fd, const char *first, char *const *words, int n) {
    size_t len = strlen(first) + 2;
    for (int i = 0; i < n; i++) {
        len += strlen(words[i]) + 1;
    }
    char *buf = malloc(len), *p = buf;
    if (!buf) {
        return -1;
    }
    p = stpcpy(p, first) + 1;
    for (int i = 0; i < n; i++) {
        p = stpcpy(p, words[i]) + 1;
    }
    *p = 0;
    int r = write_all(fd, buf, len);
    free(buf);
    return r;
}

/* 32 hex digits from the kernel's random source, or -1. */
static int make_token(char token[33]) {
    unsigned char bytes[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t got = read(fd, bytes, sizeof bytes);
    close(fd);
    if (got != (ssize_t)sizeof bytes) {
        return -1;
    }
    for (int i = 0; i < 16; i++) {
        sprintf(token + 2 * i, "%02x", bytes[i]);
    }
    return 0;
}

/* Both connections with their headers sent, the command taken; 0, or -1 with nothing open. */
static int open_stream(const char *socket_path, char *const *command, int n, int *cmd, int *err) {
    char token[33], first[64];
    if (make_token(token) < 0) {
        return -1;
    }
    snprintf(first, sizeof first, "psync-stderr=%s", token);
    char *offer[] = {token};
    *err = connect_to(socket_path);
    *cmd = *err < 0 ? -1 : connect_to(socket_path);
    if (*cmd >= 0 && send_header(*err, "psync-stderr", offer, 1) == 0 &&
        send_header(*cmd, first, command, n) == 0) {
        struct timeval timeout = {.tv_sec = ANSWER_TIMEOUT_S};
        setsockopt(*cmd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        unsigned char ready = 1;
        ssize_t got;
        while ((got = read(*cmd, &ready, 1)) < 0 && errno == EINTR) {
        }
        if (got == 1 && ready == 0) {
            return 0;
        }
    }
    if (*cmd >= 0) {
        close(*cmd);
    }
    if (*err >= 0) {
        close(*err);
    }
    return -1;
}

/* One direction of the relay: what was read from FROM and not yet written to TO. */
struct flow {
    int from, to;
    char *buf;
    size_t len, off;
    int eof; /* FROM ended (or failed) */
};

/* Reads once from the flow's source; 0 at its end. */
static void fill(struct flow *f) {
    ssize_t r = read(f->from, f->buf, BUF_SIZE);
    if (r > 0) {
        f->len = (size_t)r;
        f->off = 0;
    } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        f->eof = 1;
    }
}

/* Writes what it can of the flow's data; -1 when the destination is gone. */
static int drain(struct flow *f) {
    ssize_t w = write(f->to, f->buf + f->off, f->len - f->off);
    if (w < 0) {
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    }
    f->off += (size_t)w;
    if (f->off == f->len) {
        f->len = f->off = 0;
    }
    return 0;
}

static int idle(const struct flow *f) { return f->eof && f->len == 0; }

/* Relays stdin to CMD, CMD to stdout and ERR to stderr until the command's output ends (and its
 * standard error, for a few seconds more). Each direction has its own buffer, so one that waits
 * never holds up the others. */
static int relay(int cmd, int err) {
    struct flow in = {0, cmd, malloc(BUF_SIZE), 0, 0, 0};
    struct flow out = {cmd, 1, malloc(BUF_SIZE), 0, 0, 0};
    struct flow errs = {err, 2, malloc(BUF_SIZE), 0, 0, 0};
    if (!in.buf || !out.buf || !errs.buf) {
        return 1;
    }
    /* Not standard error: it is rsync's own too. */
    int fds[] = {0, 1, cmd, err};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    }
    int shut = 0;
    struct timespec ended = {0};
    while (!idle(&out) || !idle(&errs)) {
        int timeout = -1;
        if (idle(&out)) {
            /* rsync has exited there: what it said ends with it, or soon. */
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (ended.tv_sec == 0) {
                ended = now;
            }
            long waited = (now.tv_sec - ended.tv_sec) * 1000 + (now.tv_nsec - ended.tv_nsec) / 1000000;
            if (waited >= STDERR_GRACE_MS) {
                break;
            }
            timeout = (int)(STDERR_GRACE_MS - waited);
        }
        struct flow *flows[] = {&in, &out, &errs};
        struct pollfd p[3];
        struct flow *owner[3];
        int reading[3], n = 0;
        for (int i = 0; i < 3; i++) {
            struct flow *f = flows[i];
            if (f == &in && shut) {
                continue;
            }
            if (f->len > 0) {
                p[n] = (struct pollfd){.fd = f->to, .events = POLLOUT};
                owner[n] = f;
                reading[n++] = 0;
            } else if (!f->eof) {
                p[n] = (struct pollfd){.fd = f->from, .events = POLLIN};
                owner[n] = f;
                reading[n++] = 1;
            }
        }
        if (poll(p, (nfds_t)n, timeout) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if (!p[i].revents) {
                continue;
            }
            if (reading[i]) {
                fill(owner[i]);
            } else if (drain(owner[i]) < 0) {
                if (owner[i] == &in) {
                    in.eof = 1; /* the command no longer reads: nothing more to send it */
                    in.len = in.off = 0;
                } else {
                    return 1; /* rsync (or its standard error) went away here */
                }
            }
        }
        if (!shut && idle(&in)) {
            shutdown(cmd, SHUT_WR);
            shut = 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    /* SOCKET, N, the N ssh words, then what rsync appends: the host and the remote command. */
    int count = argc > 2 ? atoi(argv[2]) : 0;
    if (count < 1 || argc < count + 6) {
        fprintf(stderr, "usage: psync-rsync-stream SOCKET N SSH-WORDS... HOST rsync --server ...\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    char **command = argv + 3 + count + 1;
    int cmd, err;
    if (open_stream(argv[1], command, argc - (3 + count + 1), &cmd, &err) < 0) {
        signal(SIGPIPE, SIG_DFL);
        execvp(argv[3], argv + 3);
        fprintf(stderr, "psync-rsync-stream: cannot run %s: %s\n", argv[3], strerror(errno));
        return 127;
    }
    return relay(cmd, err);
}
