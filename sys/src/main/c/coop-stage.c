/*
 * coop-stage: the native half of coop's container start.
 *
 * The JVM never forks (a forked copy of a multi-threaded JVM can deadlock on any lock another
 * thread held), so everything that must happen in a child process happens here, in a small
 * single-threaded static binary that the JVM starts with posix_spawn. Java computes the whole
 * plan; this program only carries it out, in order, and reports what failed.
 *
 * Two roles in one binary:
 *   monitor  - the process the JVM spawns. It stays in the host's namespaces, clones the
 *              container's init into new namespaces, puts it into its cgroups, relays a
 *              terminal if asked, waits for it, and records its exit status in the state
 *              directory (so no JVM has to stay alive for a detached container, like conmon).
 *   init     - the cloned child: PID 1 of the new PID namespace. It mounts the root and the
 *              pseudo filesystems in its own mount namespace, pivots into the root, drops
 *              credentials and capabilities, and execs the user's program (or, with --init,
 *              forks it and stays as a reaping, signal-forwarding init).
 *
 * Wire protocol on fd 3 (a SOCK_STREAM socketpair with the JVM):
 *   JVM -> monitor: u32 length (host order), then NUL-terminated key, value, key, value...
 *   monitor -> JVM: text lines "pid N", "running", "error CODE MESSAGE", "exit STATUS".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CTL_FD 3
#define MAX_ITEMS 4096
#define EXIT_SETUP 125 /* like docker: the runtime failed before the program ran */

struct kv { const char *key; const char *val; };
static struct kv items[MAX_ITEMS];
static int nitems;

static const char *get(const char *key) {
    for (int i = 0; i < nitems; i++)
        if (strcmp(items[i].key, key) == 0) return items[i].val;
    return NULL;
}
static long get_long(const char *key, long dflt) {
    const char *v = get(key);
    return v ? strtol(v, NULL, 10) : dflt;
}
/* Collects every value of a repeated key into a NULL-terminated array. */
static char **get_all(const char *key) {
    int n = 0;
    for (int i = 0; i < nitems; i++) if (strcmp(items[i].key, key) == 0) n++;
    char **out = calloc(n + 1, sizeof(char *));
    n = 0;
    for (int i = 0; i < nitems; i++) if (strcmp(items[i].key, key) == 0) out[n++] = (char *)items[i].val;
    return out;
}

static void ctl_send(const char *fmt, ...) {
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
    buf[n++] = '\n';
    /* The JVM may be gone (detached run, or killed): a failed write is not an error here. */
    (void)!write(CTL_FD, buf, n);
}

static int read_full(int fd, void *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t r = read(fd, (char *)buf + done, len - done);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        done += r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, (const char *)buf + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        done += w;
    }
    return 0;
}

static int read_plan(void) {
    uint32_t len;
    if (read_full(CTL_FD, &len, sizeof len) < 0 || len == 0 || len > (64u << 20)) return -1;
    char *buf = malloc(len + 1);
    if (!buf || read_full(CTL_FD, buf, len) < 0) return -1;
    buf[len] = 0;
    char *p = buf, *end = buf + len;
    while (p < end && nitems < MAX_ITEMS) {
        char *k = p; p += strlen(p) + 1;
        if (p > end) return -1;
        char *v = p; p += strlen(p) + 1;
        if (p > end + 1) return -1;
        items[nitems].key = k;
        items[nitems].val = v;
        nitems++;
    }
    return 0;
}

/* ---- init side: errors travel to the monitor over a close-on-exec pipe ---- */

static int err_fd = -1;

__attribute__((noreturn, format(printf, 2, 3)))
static void die(int code, const char *fmt, ...) {
    char buf[2048];
    int n = snprintf(buf, sizeof buf, "%d ", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - n, fmt, ap);
    va_end(ap);
    if (err_fd >= 0) (void)!write(err_fd, buf, strlen(buf));
    else fprintf(stderr, "coop-stage: %s\n", buf + n);
    _exit(code);
}

static const char *errstr(int e) { return strerror(e); }

/* Splits "a\x1fb\x1fc" in place into at most max fields. */
static int split_fields(char *s, char **out, int max) {
    int n = 0;
    out[n++] = s;
    for (char *p = s; *p && n < max; p++)
        if (*p == '\x1f') { *p = 0; out[n++] = p + 1; }
    return n;
}

static void mkdir_p(const char *path, mode_t mode) {
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(tmp, mode) < 0 && errno != EEXIST) return;
        *p = '/';
    }
    mkdir(tmp, mode);
}

static const char *root_dir; /* the container's root, as the host sees it */

/*
 * A mount target inside the container's root must stay inside it after symlinks are resolved:
 * a root filesystem whose /proc is a symlink to /etc would otherwise have us mount over the
 * host's /etc. The container is not running yet, so nothing can swap the path after the check.
 */
static void check_inside_root(const char *target) {
    size_t rl = strlen(root_dir);
    if (strncmp(target, root_dir, rl) != 0 || (target[rl] != '/' && target[rl] != 0)) return;
    char real[PATH_MAX];
    if (!realpath(target, real)) return; /* missing targets are created below, not followed */
    char rreal[PATH_MAX];
    if (!realpath(root_dir, rreal)) die(EXIT_SETUP, "realpath(%s): %s", root_dir, errstr(errno));
    size_t n = strlen(rreal);
    if (strncmp(real, rreal, n) != 0 || (real[n] != '/' && real[n] != 0))
        die(EXIT_SETUP, "mount target %s resolves to %s, outside the container's root", target, real);
}

/* op "mount": src, dst, fstype, flags, data, kind ('d' dir or 'f' file target) */
static void op_mount(char *spec) {
    char *f[6] = {0};
    if (split_fields(spec, f, 6) != 6) die(EXIT_SETUP, "bad mount op");
    unsigned long flags = strtoul(f[3], NULL, 10);
    const char *src = *f[0] ? f[0] : NULL, *type = *f[2] ? f[2] : NULL, *data = *f[4] ? f[4] : NULL;
    check_inside_root(f[1]);
    struct stat st;
    if (!(flags & MS_REMOUNT) && lstat(f[1], &st) < 0) {
        if (f[5][0] == 'f') {
            char parent[PATH_MAX];
            snprintf(parent, sizeof parent, "%s", f[1]);
            char *slash = strrchr(parent, '/');
            if (slash) { *slash = 0; mkdir_p(parent, 0755); }
            int fd = open(f[1], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
            if (fd >= 0) close(fd);
        } else {
            mkdir_p(f[1], 0755);
        }
    }
    /* Bind mounts ignore most flags on the first call: read-only and friends need a remount. */
    unsigned long first = flags;
    if ((flags & MS_BIND) && (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)))
        first &= ~(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
    if (mount(src, f[1], type, first, data) < 0)
        die(EXIT_SETUP, "mount(src=%s, dst=%s, type=%s, flags=0x%lx, data=%s): %s",
            f[0], f[1], f[2], first, f[4], errstr(errno));
    if (first != flags && mount(NULL, f[1], NULL, flags | MS_REMOUNT, NULL) < 0)
        die(EXIT_SETUP, "remount(%s, flags=0x%lx): %s", f[1], flags | MS_REMOUNT, errstr(errno));
}

/* op "mknod": path, mode (octal, with type bits), major, minor */
static void op_mknod(char *spec) {
    char *f[4];
    if (split_fields(spec, f, 4) != 4) die(EXIT_SETUP, "bad mknod op");
    mode_t mode = strtoul(f[1], NULL, 8);
    check_inside_root(f[0]);
    if (mknod(f[0], mode, makedev(atoi(f[2]), atoi(f[3]))) < 0 && errno != EEXIST)
        die(EXIT_SETUP, "mknod(%s, 0%o, %s:%s): %s", f[0], mode, f[2], f[3], errstr(errno));
    if (chmod(f[0], mode & 07777) < 0)
        die(EXIT_SETUP, "chmod(%s): %s", f[0], errstr(errno));
}

/* op "symlink": target, linkpath */
static void op_symlink(char *spec) {
    char *f[2];
    if (split_fields(spec, f, 2) != 2) die(EXIT_SETUP, "bad symlink op");
    if (symlink(f[0], f[1]) < 0 && errno != EEXIST)
        die(EXIT_SETUP, "symlink(%s -> %s): %s", f[1], f[0], errstr(errno));
}

/* op "mask": hide a path like runc does: /dev/null over files, an empty read-only tmpfs over dirs. */
static void op_mask(const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0) return; /* nothing to hide */
    check_inside_root(path);
    int r = S_ISDIR(st.st_mode)
        ? mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0,mode=0555")
        : mount("/dev/null", path, NULL, MS_BIND, NULL);
    if (r < 0) die(EXIT_SETUP, "mask %s: %s", path, errstr(errno));
}

/* op "sysctl": path under the container's /proc/sys, value (written before /proc/sys turns read-only) */
static void op_sysctl(char *spec) {
    char *f[2];
    if (split_fields(spec, f, 2) != 2) die(EXIT_SETUP, "bad sysctl op");
    int fd = open(f[0], O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || write(fd, f[1], strlen(f[1])) < 0) die(EXIT_SETUP, "sysctl %s=%s: %s", f[0], f[1], errstr(errno));
    close(fd);
}

/*
 * exec into a running container: its mount, UTS, IPC, network and cgroup namespaces (the PID
 * namespace was joined by the monitor before the clone: only children can enter one). The mount
 * namespace goes last, since entering it changes what paths mean; its root is the container's.
 */
static void join_container(void) {
    const char *pid = get("join_pid");
    if (!pid) return;
    static const char *kinds[] = { "cgroup", "ipc", "uts", "net", "mnt" };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, kinds[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) die(EXIT_SETUP, "open %s: %s", path, errstr(errno));
        if (setns(fd, 0) < 0) die(EXIT_SETUP, "setns(%s): %s", path, errstr(errno));
        close(fd);
    }
    if (chdir("/") < 0) die(EXIT_SETUP, "chdir(/): %s", errstr(errno));
}

/* Joins the namespaces named by path (an OCI bundle's linux.namespaces[].path), before any setup. */
static void join_namespaces(void) {
    char **joins = get_all("setns");
    for (char **j = joins; *j; j++) {
        int fd = open(*j, O_RDONLY | O_CLOEXEC);
        if (fd < 0) die(EXIT_SETUP, "open namespace %s: %s", *j, errstr(errno));
        if (setns(fd, 0) < 0) die(EXIT_SETUP, "setns(%s): %s", *j, errstr(errno));
        close(fd);
    }
}

/* op "ro": make a path read-only by binding it over itself, then remounting the bind read-only. */
static void op_readonly(const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0) return;
    check_inside_root(path);
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        die(EXIT_SETUP, "bind %s: %s", path, errstr(errno));
    if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0
        && mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
        die(EXIT_SETUP, "remount %s read-only: %s", path, errstr(errno));
}

static void bring_up_loopback(void) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) die(EXIT_SETUP, "socket(AF_INET): %s", errstr(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) die(EXIT_SETUP, "SIOCGIFFLAGS(lo): %s", errstr(errno));
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) die(EXIT_SETUP, "SIOCSIFFLAGS(lo, up): %s", errstr(errno));
    close(s);
}

/*
 * pivot_root, not chroot: with chroot the old root stays reachable (a process with
 * CAP_SYS_CHROOT can climb out). pivot_root(".", ".") stacks the old root under the new one,
 * and the lazy unmount then drops it from this mount namespace altogether.
 */
static void enter_root(const char *root) {
    if (chdir(root) < 0) die(EXIT_SETUP, "chdir(%s): %s", root, errstr(errno));
    if (syscall(SYS_pivot_root, ".", ".") < 0) die(EXIT_SETUP, "pivot_root(%s): %s", root, errstr(errno));
    /* The old root is now on top; make it private so the detach does not propagate anywhere. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) die(EXIT_SETUP, "make old root slave: %s", errstr(errno));
    if (umount2(".", MNT_DETACH) < 0) die(EXIT_SETUP, "umount2(old root, MNT_DETACH): %s", errstr(errno));
    if (chdir("/") < 0) die(EXIT_SETUP, "chdir(/): %s", errstr(errno));
}

/* Resolves the program like execvp would, but against the container's PATH and root. */
static const char *find_program(const char *prog, char **env, char *buf, size_t buflen) {
    if (strchr(prog, '/')) return access(prog, F_OK) == 0 ? prog : NULL;
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (char **e = env; *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0) path = *e + 5;
    const char *p = path;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        snprintf(buf, buflen, "%.*s/%s", (int)n, n ? p : ".", prog);
        struct stat st;
        if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) return buf;
        if (!colon) break;
        p = colon + 1;
    }
    return NULL;
}

static uint64_t cap_set(const char *key, uint64_t dflt) {
    const char *v = get(key);
    if (!v) return dflt;
    uint64_t set = 0;
    char *copy = strdup(v);
    for (char *t = strtok(copy, ","); t; t = strtok(NULL, ",")) set |= 1ULL << atoi(t);
    free(copy);
    return set;
}

static void capset_sets(uint64_t eff, uint64_t perm, uint64_t inh) {
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    data[0].effective = (uint32_t)eff;
    data[1].effective = (uint32_t)(eff >> 32);
    data[0].permitted = (uint32_t)perm;
    data[1].permitted = (uint32_t)(perm >> 32);
    data[0].inheritable = (uint32_t)inh;
    data[1].inheritable = (uint32_t)(inh >> 32);
    if (syscall(SYS_capset, &hdr, data) < 0) die(EXIT_SETUP, "capset: %s", errstr(errno));
}

/* "caps" is the bounding set (and, unless given apart, the effective and permitted ones);
 * "caps_eff", "caps_perm", "caps_inh", "caps_amb" are the OCI process.capabilities sets. */
static int explicit_sets;

static void set_capabilities(void) {
    if (!get("caps")) return; /* absent: keep everything (--privileged) */
    uint64_t bounding = cap_set("caps", 0);
    int last = CAP_LAST_CAP;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (f) { if (fscanf(f, "%d", &last) != 1) last = CAP_LAST_CAP; fclose(f); }
    for (int c = 0; c <= last; c++)
        if (!(bounding & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            die(EXIT_SETUP, "prctl(PR_CAPBSET_DROP, %d): %s", c, errstr(errno));
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    explicit_sets = get("caps_eff") || get("caps_perm") || get("caps_inh") || get("caps_amb");
    if (explicit_sets) {
        /* Keep the permitted set across setuid: the config says what a non-root process holds. */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) die(EXIT_SETUP, "prctl(PR_SET_KEEPCAPS): %s", errstr(errno));
        return;
    }
    capset_sets(bounding, bounding, 0);
}

/* After setuid: the OCI sets, then ambient capabilities (which need them inheritable and permitted). */
static void set_capabilities_after_setuid(void) {
    if (!explicit_sets) return;
    uint64_t bounding = cap_set("caps", 0);
    capset_sets(cap_set("caps_eff", bounding), cap_set("caps_perm", bounding), cap_set("caps_inh", 0));
    /* Best effort, as runc does: the kernel refuses an ambient capability that is not also
     * inheritable and permitted, and runc's own default spec asks for exactly that. */
    uint64_t amb = cap_set("caps_amb", 0);
    for (int c = 0; c < 64; c++)
        if (amb & (1ULL << c)) prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0);
}

static void set_credentials(void) {
    uid_t uid = (uid_t)get_long("uid", 0);
    gid_t gid = (gid_t)get_long("gid", 0);
    char **groups = get_all("group");
    gid_t gl[256];
    int ng = 0;
    for (char **g = groups; *g && ng < 256; g++) gl[ng++] = (gid_t)strtoul(*g, NULL, 10);
    if (setgroups(ng, gl) < 0) die(EXIT_SETUP, "setgroups: %s", errstr(errno));
    if (setresgid(gid, gid, gid) < 0) die(EXIT_SETUP, "setresgid(%u): %s", gid, errstr(errno));
    set_capabilities(); /* before setuid: dropping the bounding set needs CAP_SETPCAP */
    /* setuid to a non-zero uid clears the permitted and effective sets (no KEEPCAPS), which is
     * what docker does for non-root users. */
    if (setresuid(uid, uid, uid) < 0) die(EXIT_SETUP, "setresuid(%u): %s", uid, errstr(errno));
    set_capabilities_after_setuid();
}

static void set_rlimits(void) {
    char **rl = get_all("rlimit");
    for (char **r = rl; *r; r++) {
        char *f[3];
        if (split_fields(*r, f, 3) != 3) die(EXIT_SETUP, "bad rlimit op");
        struct rlimit lim = { strtoull(f[1], NULL, 10), strtoull(f[2], NULL, 10) };
        if (setrlimit(atoi(f[0]), &lim) < 0)
            die(EXIT_SETUP, "setrlimit(%s, %s, %s): %s", f[0], f[1], f[2], errstr(errno));
    }
}

static void reset_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL); /* ignored signals survive exec otherwise */
}

/* Passes a file descriptor to the other end of a unix socket (SCM_RIGHTS). */
static int send_fd(int sock, int fd) {
    char byte = 't';
    struct iovec iov = { &byte, 1 };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int recv_fd(int sock) {
    char byte;
    struct iovec iov = { &byte, 1 };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    ssize_t n;
    while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {}
    if (n != 1) return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

/*
 * The terminal is allocated inside the container, from its own devpts instance, so that
 * ttyname() works there (/dev/pts/0); a pts of the host's devpts would not exist in the
 * container's /dev/pts. The master goes to the monitor, which relays it, as runc's console
 * socket does. Without --init the program leads the session; with it, the program does
 * (PID 1 only keeps the slave as its standard streams).
 */
static void open_console(int sock) {
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) die(EXIT_SETUP, "open /dev/ptmx: %s", errstr(errno));
    if (unlockpt(master) < 0) die(EXIT_SETUP, "unlockpt: %s", errstr(errno));
    char name[64];
    if (ptsname_r(master, name, sizeof name) != 0) die(EXIT_SETUP, "ptsname: %s", errstr(errno));
    int slave = open(name, O_RDWR | O_NOCTTY);
    if (slave < 0) die(EXIT_SETUP, "open %s: %s", name, errstr(errno));
    if (send_fd(sock, master) < 0) die(EXIT_SETUP, "sending the terminal to the monitor: %s", errstr(errno));
    close(master);
    close(sock);
    if (!get_long("init", 0)) {
        if (setsid() < 0) die(EXIT_SETUP, "setsid: %s", errstr(errno));
        if (ioctl(slave, TIOCSCTTY, 0) < 0) die(EXIT_SETUP, "TIOCSCTTY: %s", errstr(errno));
    }
    for (int i = 0; i < 3; i++)
        if (dup2(slave, i) < 0) die(EXIT_SETUP, "dup2(tty, %d): %s", i, errstr(errno));
    if (slave > 2) close(slave);
}

static pid_t init_child;
static void forward_signal(int sig) { if (init_child > 0) kill(init_child, sig); }

/* --init: stay as PID 1, reap every orphan, forward signals, exit with the program's status. */
__attribute__((noreturn))
static void run_as_init(const char *prog, char **argv, char **env) {
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    init_child = fork();
    if (init_child < 0) die(EXIT_SETUP, "fork: %s", errstr(errno));
    if (init_child == 0) {
        setsid();
        if (get_long("tty", 0)) ioctl(0, TIOCSCTTY, 0);
        reset_signals();
        execve(prog, argv, env);
        die(errno == ENOENT ? 127 : 126, "exec %s: %s", prog, errstr(errno));
    }
    close(err_fd); /* the program's exec closes its copy: the monitor now sees EOF */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward_signal;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGCHLD && s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (;;) {
        int st;
        pid_t p = waitpid(-1, &st, 0);
        if (p < 0 && errno == EINTR) continue;
        if (p < 0) _exit(EXIT_SETUP);
        if (p == init_child) {
            if (WIFEXITED(st)) _exit(WEXITSTATUS(st));
            _exit(128 + WTERMSIG(st));
        }
    }
}

__attribute__((noreturn))
static void child_main(int sync_fd, int tty_sock) {
    /* Wait until the monitor has put us into our cgroups: the cgroup namespace below must be
     * rooted at the container's cgroup, not at the monitor's. */
    char go;
    if (read_full(sync_fd, &go, 1) < 0) _exit(EXIT_SETUP);
    close(sync_fd);
    if (get_long("cgroupns", 0) && unshare(CLONE_NEWCGROUP) < 0)
        die(EXIT_SETUP, "unshare(CLONE_NEWCGROUP): %s", errstr(errno));
    join_namespaces();
    join_container();
    /* The exec fifo (create/start split, as runc's): held as an O_PATH fd from the host's view,
     * reopened for writing just before exec, which blocks until `start` opens it for reading. */
    int fifo = -1;
    const char *fifo_path = get("execfifo");
    if (fifo_path && (fifo = open(fifo_path, O_PATH | O_CLOEXEC)) < 0)
        die(EXIT_SETUP, "open exec fifo %s: %s", fifo_path, errstr(errno));

    umask(0);
    /* Nothing we mount may propagate back to the host: turn the copied mount tree private. */
    if (get_long("mntns", 0) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        die(EXIT_SETUP, "mount(/, MS_REC|MS_PRIVATE): %s", errstr(errno));

    root_dir = get("root");
    for (int i = 0; i < nitems; i++) {
        const char *k = items[i].key;
        char *v = (char *)items[i].val;
        if (strcmp(k, "mount") == 0) op_mount(v);
        else if (strcmp(k, "mknod") == 0) op_mknod(v);
        else if (strcmp(k, "symlink") == 0) op_symlink(v);
        else if (strcmp(k, "mask") == 0) op_mask(v);
        else if (strcmp(k, "ro") == 0) op_readonly(v);
        else if (strcmp(k, "chdir") == 0 && chdir(v) < 0) die(EXIT_SETUP, "chdir(%s): %s", v, errstr(errno));
        else if (strcmp(k, "sysctl") == 0) op_sysctl(v);
    }
    const char *hostname = get("hostname");
    if (hostname && sethostname(hostname, strlen(hostname)) < 0)
        die(EXIT_SETUP, "sethostname(%s): %s", hostname, errstr(errno));
    if (get_long("netns", 0)) bring_up_loopback();
    if (root_dir) enter_root(root_dir);
    if (get_long("rootro", 0) && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
        die(EXIT_SETUP, "remount / read-only: %s", errstr(errno));
    if (tty_sock >= 0) open_console(tty_sock);

    const char *oom = get("oom_score_adj");
    if (oom) {
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, oom, strlen(oom)) < 0) die(EXIT_SETUP, "write oom_score_adj %s: %s", oom, errstr(errno));
        close(fd);
    }
    set_rlimits();

    char **argv = get_all("arg");
    char **env = get_all("env");
    if (!argv[0]) die(EXIT_SETUP, "no command given");
    char found[PATH_MAX];
    const char *prog = find_program(argv[0], env, found, sizeof found);
    if (!prog) die(127, "executable file not found in rootfs: %s", argv[0]);

    set_credentials();
    const char *cwd = get("cwd");
    if (cwd && chdir(cwd) < 0) die(EXIT_SETUP, "chdir(%s): %s", cwd, errstr(errno));
    if (get_long("nnp", 0) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die(EXIT_SETUP, "prctl(PR_SET_NO_NEW_PRIVS): %s", errstr(errno));
    umask(022);

    if (fifo >= 0) {
        (void)!write(err_fd, "R", 1); /* created: the monitor may report it and leave */
        char fdpath[64];
        snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fifo);
        int w = open(fdpath, O_WRONLY | O_CLOEXEC);
        if (w < 0) _exit(EXIT_SETUP); /* nobody to report to any more */
        (void)!write(w, "0", 1);
        close(w);
        close(fifo);
    }
    if (get_long("init", 0)) run_as_init(prog, argv, env);
    reset_signals();
    execve(prog, argv, env);
    int e = errno;
    if (e == ENOENT) die(127, "executable file not found in rootfs: %s", argv[0]);
    die(126, "exec %s: %s", prog, errstr(e));
}

/* ---- monitor side ---- */

static void write_atomic(const char *path, const char *content) {
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    int ok = write_full(fd, content, strlen(content)) == 0 && fsync(fd) == 0;
    close(fd);
    if (!ok || rename(tmp, path) < 0) unlink(tmp);
}

static void record_exit(int status, int code, const char *error) {
    const char *path = get("exitfile");
    if (!path) return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char buf[2600], esc[2100];
    size_t j = 0;
    for (const char *p = error ? error : ""; *p && j < sizeof esc - 3; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') { esc[j++] = '\\'; esc[j++] = c; }
        else if (c >= 0x20) esc[j++] = c;
    }
    esc[j] = 0;
    snprintf(buf, sizeof buf,
             "{\"status\":%d,\"exitCode\":%d,\"finishedAt\":%lld,\"error\":\"%s\"}\n",
             status, code, (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, esc);
    write_atomic(path, buf);
}

static int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return EXIT_SETUP;
}

static int tty_master = -1;
static volatile sig_atomic_t winch;
static void on_winch(int s) { (void)s; winch = 1; }

/* Copies between our stdin/stdout and the pseudo-terminal until the container side hangs up. */
static void relay_tty(void) {
    struct termios saved, raw;
    int interactive = isatty(0) && tcgetattr(0, &saved) == 0;
    if (interactive) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(0, TCSANOW, &raw);
        struct winsize ws;
        if (ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(tty_master, TIOCSWINSZ, &ws);
        signal(SIGWINCH, on_winch);
    }
    struct pollfd p[2] = { { tty_master, POLLIN, 0 }, { 0, POLLIN, 0 } };
    int nfds = get_long("detach", 0) ? 1 : 2;
    char buf[16384];
    for (;;) {
        if (winch) {
            winch = 0;
            struct winsize ws;
            if (ioctl(0, TIOCGWINSZ, &ws) == 0) ioctl(tty_master, TIOCSWINSZ, &ws);
        }
        if (poll(p, nfds, -1) < 0) { if (errno == EINTR) continue; break; }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(tty_master, buf, sizeof buf);
            if (n <= 0) break; /* EIO: the last slave fd is closed */
            if (write_full(1, buf, n) < 0) break;
        }
        if (nfds > 1 && (p[1].revents & (POLLIN | POLLHUP))) {
            ssize_t n = read(0, buf, sizeof buf);
            if (n <= 0) nfds = 1;
            else if (write_full(tty_master, buf, n) < 0) break;
        }
    }
    if (interactive) tcsetattr(0, TCSANOW, &saved);
}

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    /* The JVM opens files without O_CLOEXEC: nothing of its must reach the container. */
    syscall(SYS_close_range, CTL_FD + 1, ~0U, 0);
    signal(SIGPIPE, SIG_IGN);
    if (read_plan() < 0) { fprintf(stderr, "coop-stage: no plan on fd %d\n", CTL_FD); return EXIT_SETUP; }
    /* Terminal signals and SIGTERM are the JVM's to forward; the monitor must outlive them. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);

    int tty_socks[2] = { -1, -1 };
    if (get_long("tty", 0) && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tty_socks) < 0) {
        ctl_send("error %d socketpair: %s", EXIT_SETUP, strerror(errno));
        return EXIT_SETUP;
    }

    int sync_pipe[2], err_pipe[2];
    if (pipe2(sync_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
        ctl_send("error %d pipe: %s", EXIT_SETUP, strerror(errno));
        return EXIT_SETUP;
    }
    unsigned long flags = 0;
    if (get_long("pidns", 0)) flags |= CLONE_NEWPID;
    if (get_long("mntns", 0)) flags |= CLONE_NEWNS;
    if (get_long("utsns", 0)) flags |= CLONE_NEWUTS;
    if (get_long("ipcns", 0)) flags |= CLONE_NEWIPC;
    if (get_long("netns", 0)) flags |= CLONE_NEWNET;

    const char *join_pid = get("join_pid");
    if (join_pid) {
        /* Children created after this land in the container's PID namespace. */
        char path[64];
        snprintf(path, sizeof path, "/proc/%s/ns/pid", join_pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWPID) < 0) {
            ctl_send("error %d cannot enter the container's PID namespace (%s): %s", EXIT_SETUP, path, strerror(errno));
            return EXIT_SETUP;
        }
        close(fd);
    }
    /* A raw clone behaves like fork here: this process is single-threaded, so that is safe. */
    pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) {
        int e = errno;
        char names[128] = "";
        static const struct { unsigned long f; const char *n; } ns[] = {
            { CLONE_NEWPID, "pid" }, { CLONE_NEWNS, "mount" }, { CLONE_NEWUTS, "uts" },
            { CLONE_NEWIPC, "ipc" }, { CLONE_NEWNET, "network" } };
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
            if (flags & ns[i].f) { strcat(names, *names ? "," : ""); strcat(names, ns[i].n); }
        /* EINVAL: a namespace type this kernel was built without; EPERM: not privileged enough;
         * ENOSPC: a namespace count limit (/proc/sys/user/max_*_namespaces) was reached. */
        ctl_send("error %d cannot create the container's namespaces (%s): %s%s", EXIT_SETUP, names, strerror(e),
                 e == EINVAL ? " (is the kernel built without one of them?)"
                 : e == ENOSPC ? " (limit in /proc/sys/user/max_*_namespaces reached)" : "");
        record_exit(0, EXIT_SETUP, "clone failed");
        return EXIT_SETUP;
    }
    if (pid == 0) {
        close(sync_pipe[1]);
        close(err_pipe[0]);
        close(CTL_FD);
        if (tty_socks[0] >= 0) close(tty_socks[0]);
        err_fd = err_pipe[1];
        child_main(sync_pipe[0], tty_socks[1]);
    }
    close(sync_pipe[0]);
    close(err_pipe[1]);
    if (tty_socks[1] >= 0) close(tty_socks[1]);

    char **procs = get_all("cgroup_procs");
    char pidbuf[32];
    int plen = snprintf(pidbuf, sizeof pidbuf, "%d", pid);
    for (char **c = procs; *c; c++) {
        int fd = open(*c, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, pidbuf, plen) < 0) {
            int e = errno;
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            ctl_send("error %d adding pid %d to %s: %s", EXIT_SETUP, pid, *c, strerror(e));
            record_exit(0, EXIT_SETUP, "cgroup placement failed");
            return EXIT_SETUP;
        }
        close(fd);
    }
    const char *pidfile = get("pidfile");
    if (pidfile) { char line[64]; snprintf(line, sizeof line, "%d %d\n", pid, getpid()); write_atomic(pidfile, line); }
    ctl_send("pid %d", pid);
    if (write_full(sync_pipe[1], "g", 1) < 0) { /* the child died before it could start */ }
    close(sync_pipe[1]);
    if (tty_socks[0] >= 0) {
        tty_master = recv_fd(tty_socks[0]); /* -1 if the child failed first: its error follows */
        close(tty_socks[0]);
        const char *console = get("console_socket");
        if (tty_master >= 0 && console) {
            /* OCI --console-socket: the engine relays the terminal; hand it the master. */
            int cs = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            struct sockaddr_un addr = { .sun_family = AF_UNIX };
            snprintf(addr.sun_path, sizeof addr.sun_path, "%s", console);
            if (cs < 0 || connect(cs, (struct sockaddr *)&addr, sizeof addr) < 0 || send_fd(cs, tty_master) < 0) {
                int e = errno;
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                ctl_send("error %d cannot send the terminal to the console socket %s: %s", EXIT_SETUP, console, strerror(e));
                return EXIT_SETUP;
            }
            close(cs);
            close(tty_master);
            tty_master = -1;
        }
    }

    char err[2048];
    ssize_t n, got = 0;
    int created = 0;
    while ((n = read(err_pipe[0], err + got, sizeof err - 1 - got)) != 0) {
        if (n < 0) { if (errno == EINTR) continue; break; }
        got += n;
        if (got == 1 && err[0] == 'R') { created = 1; break; } /* waits on the exec fifo */
        if (got >= (ssize_t)sizeof err - 1) break;
    }
    close(err_pipe[0]);
    if (created) {
        ctl_send("created");
        /* OCI mode: leave, so the init is reparented to the engine's subreaper (conmon,
         * containerd-shim) as runc's is; the exec fifo now decides when it runs. */
        if (get_long("oci", 0)) return 0;
        ctl_send("running");
    } else if (got > 0) {
        err[got] = 0;
        int code = atoi(err);
        const char *msg = strchr(err, ' ');
        msg = msg ? msg + 1 : err;
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
        record_exit(0, code, msg);
        ctl_send("error %d %s", code, msg);
        return code;
    }
    if (!created) ctl_send("running");

    if (tty_master >= 0) relay_tty();
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    record_exit(status, exit_code_of(status), NULL);
    ctl_send("exit %d", status);
    close(CTL_FD);

    char **onexit = get_all("onexit");
    if (onexit[0]) {
        execv(onexit[0], onexit);
        return exit_code_of(status);
    }
    return 0;
}
