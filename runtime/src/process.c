/* process.c: child processes: weft_process_spawn (posix_spawn with pipes), weft_process_wait (a pidfd in epoll, or polling), kill, free.
 * Covered by test/runtime/process.c (echo, cat round trip, exit codes, signals, ENOENT, 100 children, early stdout close, cancelled waits, the polling fallback).
 *
 * Why a pidfd.  The usual way to learn that a child exited is SIGCHLD, but
 * a signal is process-wide state: a handler (libuv, Lwt) must be installed
 * and shared with the program, and a signalfd needs SIGCHLD blocked in
 * every thread.  A pidfd is a descriptor of one child that becomes readable
 * when it exits: it sits in the loop's epoll set like any fd, touches no
 * signal state, and names the child, not a pid that may be recycled.  Each
 * child with a waiting fiber has its pidfd registered with a generation of
 * its own (PROCESS_GEN) in the event data; backend_epoll.c hands such
 * events here.  Without pidfds (Linux before 5.3) a wait polls with
 * waitpid(WNOHANG) from the timer heap, backing off from 1 to 50 ms. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The epoll data of a pidfd: io.c's entries carry their generation in the
 * upper half, signal.c's signalfd UINT32_MAX and pool.c's eventfd
 * UINT32_MAX - 1; this is never io.c's before four billion closes of one
 * number either. */
#define PROCESS_GEN ((uint64_t)(UINT32_MAX - 2))

/* The polling fallback's intervals. */
#define POLL_FIRST_MS 1
#define POLL_MAX_MS 50

/* waitid's idtype for a pidfd (Linux 5.4); older C libraries lack the name. */
#define WEFT_P_PIDFD ((idtype_t)3)

struct weft_process {
  pid_t pid;
  int pidfd;         /* -1: waits poll */
  int fds[3];        /* the parent's ends of the pipes, or -1 */
  bool reaped;
  int status;        /* once reaped: the wait status, or */
  int err;           /* the failure of the reap (-ECHILD) */
  struct weft__waitq waiters;   /* fibers waiting for the pidfd */
  bool registered;        /* the pidfd is in this thread's epoll set */
  struct weft_process *next_watched;
};

/* The processes whose pidfd is in this thread's loop, for the dispatch. */
static _Thread_local struct weft_process *watched;

/* ---- reaping ---------------------------------------------------------- */

/* One look, never blocking: 1 with *status when the child was reaped now,
 * 0 while it runs, or -errno.  Through the pidfd where the kernel knows
 * P_PIDFD, so that a pid the program reaped and the kernel recycled is
 * never taken for the child. */
static int reap(pid_t pid, int pidfd, int *status) {
  if (pidfd >= 0) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(WEFT_P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG) == 0) {
      if (si.si_pid == 0) return 0;
      if (si.si_code == CLD_EXITED) *status = (si.si_status & 0xff) << 8;
      else *status = (si.si_status & 0x7f) | (si.si_code == CLD_DUMPED ? 0x80 : 0);
      return 1;
    }
    if (errno != EINVAL) return -errno;
  }
  int r;
  do r = waitpid(pid, status, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r < 0) return -errno;
  return r > 0;
}

static void try_reap(struct weft_process *p) {
  if (p->reaped) return;
  int r = reap(p->pid, p->pidfd, &p->status);
  if (r == 0) return;
  p->reaped = true;
  p->err = r < 0 ? r : 0;
}

/* Children whose weft_process_t was freed before they exited, reaped by a
 * later spawn or free that finds them gone.  Process-wide, like children. */
struct orphan {
  pid_t pid;
  int pidfd;
};
static pthread_mutex_t orphans_lock = PTHREAD_MUTEX_INITIALIZER;
static struct orphan *orphans;
static size_t norphans, caporphans;

static void reap_orphans(void) {
  pthread_mutex_lock(&orphans_lock);
  size_t kept = 0;
  for (size_t i = 0; i < norphans; i++) {
    int status;
    if (reap(orphans[i].pid, orphans[i].pidfd, &status) == 0) {
      orphans[kept++] = orphans[i];
      continue;
    }
    if (orphans[i].pidfd >= 0) close(orphans[i].pidfd);
  }
  norphans = kept;
  if (norphans == 0) {
    free(orphans);
    orphans = NULL;
    caporphans = 0;
  }
  pthread_mutex_unlock(&orphans_lock);
}

static void adopt_orphan(pid_t pid, int pidfd) {
  pthread_mutex_lock(&orphans_lock);
  if (norphans == caporphans) {
    size_t cap = caporphans ? caporphans * 2 : 8;
    struct orphan *grown = realloc(orphans, cap * sizeof *grown);
    if (grown == NULL) abort();
    orphans = grown;
    caporphans = cap;
  }
  orphans[norphans++] = (struct orphan){pid, pidfd};
  pthread_mutex_unlock(&orphans_lock);
}

/* ---- spawning --------------------------------------------------------- */

static int pidfd_of(pid_t pid) {
  const char *poll = getenv("WEFT_PROCESS_POLL");
  if (poll != NULL && strcmp(poll, "1") == 0) return -1;
#ifdef SYS_pidfd_open
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) return -1;
  /* pidfds are close-on-exec from birth; kept at 3 or above like the rest. */
  return fd;
#else
  (void)pid;
  return -1;
#endif
}

/* A close-on-exec copy of fd numbered 3 or above: the child's file actions
 * then never read a number they have already overwritten (a pipe end that
 * landed on 1 while 1 is being set up), and never dup2 a number onto
 * itself, which would leave its close-on-exec flag set. */
static int high_copy(int fd) {
  int c = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  return c < 0 ? -errno : c;
}

static void close_all(int *fds, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0) {
      close(fds[i]);
      fds[i] = -1;
    }
}

/* The child's end of each of its fds 0, 1, 2 (child[i], or -1 to inherit
 * or open /dev/null) and the parent's ends of the pipes (parent[i]). */
static int prepare_stdio(const weft_process_options_t *opts, int child[3], int parent[3]) {
  for (int i = 0; i < 3; i++) child[i] = parent[i] = -1;
  if (opts == NULL) return 0;
  for (int i = 0; i < 3; i++) {
    int mode = opts->stdio[i], r = 0;
    if (mode == WEFT_STDIO_INHERIT || mode == WEFT_STDIO_NULL) continue;
    if (mode == WEFT_STDIO_FD) {
      if (opts->stdio_fd[i] < 0) r = -EBADF;
      else r = child[i] = high_copy(opts->stdio_fd[i]);
    } else if (mode == WEFT_STDIO_PIPE) {
      int p[2];
      if (pipe2(p, O_CLOEXEC) < 0) {
        r = -errno;
      } else {
        int theirs = i == 0 ? p[0] : p[1], ours = i == 0 ? p[1] : p[0];
        child[i] = high_copy(theirs);
        parent[i] = high_copy(ours);
        close(p[0]);
        close(p[1]);
        r = child[i] < 0 ? child[i] : parent[i] < 0 ? parent[i] : 0;
      }
    } else {
      r = -EINVAL;
    }
    if (r < 0) {
      close_all(child, 3);
      close_all(parent, 3);
      return r;
    }
  }
  return 0;
}

/* The program execvp would run for file, in path (PATH_MAX bytes), or
 * -ENOENT / -EACCES as execvp would fail.  Looked up here rather than by
 * posix_spawnp so that a missing program is the spawn's own error
 * wherever the child cannot report its exec's failure back (a C library
 * or a valgrind that forks instead of vforking): glibc's posix_spawn
 * still reports what fails later, at the exec itself (ENOEXEC...).  The
 * race with a file removed in between ends as an exit status 127. */
static int resolve(const char *file, char *path) {
  struct stat st;
  if (*file == '\0') return -ENOENT;
  if (strchr(file, '/') != NULL) {
    if (strlen(file) >= PATH_MAX) return -ENAMETOOLONG;
    if (stat(file, &st) < 0) return -errno;
    if (!S_ISREG(st.st_mode) || faccessat(AT_FDCWD, file, X_OK, AT_EACCESS) < 0) return -EACCES;
    strcpy(path, file);
    return 0;
  }
  const char *dirs = getenv("PATH");
  if (dirs == NULL) dirs = "/bin:/usr/bin"; /* glibc's execvp default */
  int err = -ENOENT;
  for (const char *d = dirs;; d++) {
    const char *end = strchr(d, ':');
    size_t len = end != NULL ? (size_t)(end - d) : strlen(d);
    /* An empty entry is the working directory, as for execvp. */
    int n = len == 0 ? snprintf(path, PATH_MAX, "%s", file) : snprintf(path, PATH_MAX, "%.*s/%s", (int)len, d, file);
    if (n > 0 && n < PATH_MAX && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0) return 0;
      err = -EACCES;
    }
    if (end == NULL) return err;
    d = end;
  }
}

int weft_process_spawn(weft_process_t **out, const char *file, char *const argv[],
                       const weft_process_options_t *opts) {
  if (out == NULL) return -EINVAL;
  *out = NULL;
  if (file == NULL || argv == NULL) return -EINVAL;
  reap_orphans();
  char path[PATH_MAX];
  int r = resolve(file, path);
  if (r < 0) return r;
  int child[3], parent[3];
  r = prepare_stdio(opts, child, parent);
  if (r < 0) return r;

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none;
  sigemptyset(&none);
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setsigmask(&attr, &none);
  for (int i = 0; i < 3 && r == 0; i++) {
    if (child[i] >= 0) r = posix_spawn_file_actions_adddup2(&actions, child[i], i);
    else if (opts != NULL && opts->stdio[i] == WEFT_STDIO_NULL)
      r = posix_spawn_file_actions_addopen(&actions, i, "/dev/null", i == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  if (r == 0 && opts != NULL && opts->cwd != NULL) r = posix_spawn_file_actions_addchdir_np(&actions, opts->cwd);
  pid_t pid = -1;
  if (r == 0) {
    char *const *envp = opts != NULL && opts->envp != NULL ? opts->envp : environ;
    r = posix_spawn(&pid, path, &actions, &attr, argv, envp);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close_all(child, 3);
  if (r != 0) {
    close_all(parent, 3);
    return -r;
  }

  struct weft_process *p = calloc(1, sizeof *p);
  if (p == NULL) abort();
  p->pid = pid;
  p->pidfd = pidfd_of(pid);
  memcpy(p->fds, parent, sizeof p->fds);
  *out = p;
  return 0;
}

int weft_process_stdin(const weft_process_t *p) {
  return p->fds[0];
}

int weft_process_stdout(const weft_process_t *p) {
  return p->fds[1];
}

int weft_process_stderr(const weft_process_t *p) {
  return p->fds[2];
}

pid_t weft_process_pid(const weft_process_t *p) {
  return p->pid;
}

int weft_process_kill(weft_process_t *p, int sig) {
  if (p->reaped) return -ESRCH;
#ifdef SYS_pidfd_send_signal
  if (p->pidfd >= 0) {
    if (syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0) == 0) return 0;
    if (errno != ENOSYS) return -errno;
  }
#endif
  return kill(p->pid, sig) < 0 ? -errno : 0;
}

/* ---- waiting ---------------------------------------------------------- */

static uint64_t pidfd_data(const struct weft_process *p) {
  return PROCESS_GEN << 32 | (uint32_t)p->pidfd;
}

static int watch(struct weft_process *p) {
  if (p->registered) return 0;
  int r = weft__backend_set(p->pidfd, 0, EPOLLIN, pidfd_data(p));
  if (r < 0) return r;
  p->registered = true;
  p->next_watched = watched;
  watched = p;
  return 0;
}

void weft__process_rearm(void) {
  for (struct weft_process *p = watched; p != NULL; p = p->next_watched)
    weft__backend_set(p->pidfd, 0, EPOLLIN, pidfd_data(p));
}

/* weft_process_free calls this: it never yields, but the checker counts
 * every weft__ call as building an action (see sync.c's give). */
static WEFT_BOUNDARY void unwatch(struct weft_process *p) {
  if (!p->registered) return;
  weft__backend_set(p->pidfd, EPOLLIN, 0, pidfd_data(p));
  p->registered = false;
  for (struct weft_process **q = &watched; *q != NULL; q = &(*q)->next_watched)
    if (*q == p) {
      *q = p->next_watched;
      break;
    }
  p->next_watched = NULL;
}

/* The outcome a woken waiter finds in its own node: p may be freed before
 * the waiter runs. */
static int outcome(struct weft__fiber *f, const struct weft_process *p) {
  return p->err ? weft__op_failed(f, p->err) : weft__op_done(f, (uintptr_t)(unsigned)p->status);
}

static int wait_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft_process *p = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_GIVEN) return weft__op_done(f, op->u.ev.value);
  if (op->ev_phase == WEFT__EV_FAILED) return weft__op_failed(f, (int)(intptr_t)op->u.ev.value);
  try_reap(p);
  if (p->reaped) {
    op->ev_phase = WEFT__EV_NEW;
    return outcome(f, p);
  }
  if (p->pidfd >= 0 && watch(p) == 0) {
    weft__waitq_push(&p->waiters, f);
    op->ev_phase = WEFT__EV_WAITING;
    f->state = WEFT__FS_WAIT_EVENT;
    weft__loop.waiting_io++; /* the loop polls for it: not a deadlock */
    return WEFT__OP_WAIT;
  }
  /* No pidfd: look again after a pause, twice as long each time. */
  op->ev_phase = WEFT__EV_AGAIN;
  long ms = POLL_FIRST_MS << (f->op_done < 6 ? f->op_done : 6);
  if (ms > POLL_MAX_MS) ms = POLL_MAX_MS;
  f->op_done++;
  f->deadline = weft__clock_now() + (int64_t)ms * 1000000;
  weft__timer_add(f);
  return WEFT__OP_WAIT;
}

static void wait_cancel(struct weft__fiber *f, struct weft__node *op) {
  struct weft_process *p = op->u.ev.obj;
  if (op->ev_phase == WEFT__EV_AGAIN) {
    weft__timer_remove(f);
  } else if (op->ev_phase == WEFT__EV_WAITING) {
    weft__waitq_remove(&p->waiters, f);
    weft__loop.waiting_io--;
    if (p->waiters.head == NULL) unwatch(p);
  }
}

static const struct weft__event_ops wait_ops = {"weft_process_wait", wait_attempt, wait_cancel, NULL};

WEFT_BOUNDARY async(int) weft_process_wait(weft_process_t *p) {
  if (p == NULL) weft__misuse("weft_process_wait was given a NULL process");
  struct weft__node *n = weft__node_new(WEFT__K_EVENT);
  n->u.ev.ops = &wait_ops;
  n->u.ev.obj = p;
  return (async(int)){.node_ = n};
}

/* An event of a watched pidfd: the child has exited.  Every waiter is
 * handed the status (kept in its node) and the pidfd leaves the epoll set. */
bool weft__process_ready(uint64_t data) {
  if (data >> 32 != PROCESS_GEN) return false;
  struct weft_process *p = watched;
  while (p != NULL && p->pidfd != (int)(uint32_t)data) p = p->next_watched;
  if (p == NULL) return true;
  try_reap(p);
  if (!p->reaped) return true; /* not yet: level-triggered, it reports again */
  struct weft__fiber *f;
  while ((f = p->waiters.head) != NULL) {
    weft__waitq_remove(&p->waiters, f);
    weft__loop.waiting_io--;
    f->op->ev_phase = p->err ? WEFT__EV_FAILED : WEFT__EV_GIVEN;
    f->op->u.ev.value = p->err ? (uintptr_t)(intptr_t)p->err : (uintptr_t)(unsigned)p->status;
    weft__fiber_enqueue(f);
  }
  unwatch(p);
  return true;
}

/* The report never returns; the checker is told it does not yield either. */
static WEFT_BOUNDARY void check_free(const struct weft_process *p) {
  if (p->waiters.head != NULL)
    weft__misuse("weft_process_free was called while fibers wait for the process: free it once "
                 "nothing waits (after weft_run returns, or once its waiters are done)");
}

void weft_process_free(weft_process_t *p) {
  if (p == NULL) return;
  check_free(p);
  unwatch(p);
  try_reap(p);
  if (!p->reaped) {
    adopt_orphan(p->pid, p->pidfd); /* which now owns the pidfd */
    p->pidfd = -1;
  }
  if (p->pidfd >= 0) close(p->pidfd);
  free(p);
  reap_orphans();
}
