/* signal.c: weft_signal: one signalfd per loop, the signal blocked in the waiting thread only while someone waits.
 * Covered by test/runtime/signal.c (kill, another thread, cancellation, the mask put back) and the servers' shutdown tests.
 *
 * A signal reaches a signalfd only if it is blocked (else its disposition
 * acts first), so the first waiter of a signal blocks it in its thread and
 * adds it to the loop's signalfd; when nobody waits for it any more, the
 * loop takes it out and unblocks it again, unless the thread had it blocked
 * itself.  That is done lazily, just before the loop next polls: a fiber
 * that waits again at once (a reload-on-SIGHUP loop) leaves no gap in which
 * a second signal would meet its default action.  The disposition is never
 * changed: signals are process-wide state that weft does not own (libuv and
 * Lwt install handlers instead, and must then restore them). */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

/* An instance read from the signalfd that no fiber was waiting for: one
 * batch of reads may hold several (real-time signals queue), and the fiber
 * that got the first usually waits again at once. */
struct arrival {
  int signo;
  union sigval value;
  pid_t pid; /* the sender's */
  uid_t uid;
};

static _Thread_local struct signals {
  int fd;                        /* the loop's signalfd, in its epoll set; -1 until the first wait */
  bool settled;                  /* every watched signal has a waiter */
  sigset_t watched;              /* the signalfd's mask: blocked in this thread for weft's waiters */
  sigset_t was_blocked;          /* of those, the ones the thread had blocked itself */
  struct weft__fiber **waiters;  /* in the order they began to wait */
  size_t len, cap;
  struct arrival *unclaimed;     /* read from the signalfd when nobody waited for them */
  size_t nunclaimed, capunclaimed;
} S = {.fd = -1, .settled = true};

WEFT_BOUNDARY async(int) weft_signal(int signo) {
  struct weft__node *n = weft__node_new(WEFT__K_SIGNAL);
  n->u.read.fd = signo;
  return (async(int)){.node_ = n};
}

/* SIGKILL and SIGSTOP cannot be blocked, and glibc keeps the first
 * real-time signals (32 and 33) for its threads: SIGRTMIN lies past them. */
static bool catchable(int signo) {
  if (signo <= 0 || signo >= NSIG || signo == SIGKILL || signo == SIGSTOP) return false;
  return signo < 32 || signo >= SIGRTMIN;
}

/* The signalfd's epoll data: io.c's entries carry their fd number and its
 * generation (the upper half); this generation is one io.c never hands out
 * before four billion closes of one number. */
static uint64_t signal_data(int fd) {
  return (uint64_t)UINT32_MAX << 32 | (uint32_t)fd;
}

static int update_fd(void) {
  if (S.fd >= 0) return signalfd(S.fd, &S.watched, 0) < 0 ? -errno : 0;
  int fd = signalfd(-1, &S.watched, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return -errno;
  int r = weft__backend_set(fd, 0, EPOLLIN, signal_data(fd));
  if (r < 0) {
    close(fd);
    return r;
  }
  S.fd = fd;
  return 0;
}

/* Sends an instance back to this thread as it came (value, sender), with
 * a siginfo whose every byte is set (glibc's sigqueue leaves padding). */
static void send_back(const struct arrival *a) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = a->signo;
  si.si_code = SI_QUEUE; /* a code >= 0 is refused from a thread other than the main one */
  si.si_pid = a->pid;
  si.si_uid = a->uid;
  si.si_value = a->value;
  syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), a->signo, &si);
}

static void forget(int signo) {
  sigdelset(&S.watched, signo);
  if (S.fd >= 0) signalfd(S.fd, &S.watched, 0);
  /* Instances that weft read but nobody claimed are sent back to the
   * thread, still blocked: they act as if weft had never read them, once
   * unblocked below (or stay pending, if the thread blocks them itself). */
  size_t kept = 0;
  for (size_t i = 0; i < S.nunclaimed; i++) {
    if (S.unclaimed[i].signo == signo) send_back(&S.unclaimed[i]);
    else S.unclaimed[kept++] = S.unclaimed[i];
  }
  S.nunclaimed = kept;
  if (sigismember(&S.was_blocked, signo)) {
    sigdelset(&S.was_blocked, signo);
    return;
  }
  /* An instance that arrived since the last read is delivered now, with its
   * usual effect: nobody waits for it. */
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, signo);
  pthread_sigmask(SIG_UNBLOCK, &one, NULL);
}

static int watch(int signo) {
  sigset_t one, old;
  sigemptyset(&one);
  sigaddset(&one, signo);
  int r = pthread_sigmask(SIG_BLOCK, &one, &old);
  if (r != 0) return -r;
  if (sigismember(&old, signo)) sigaddset(&S.was_blocked, signo);
  sigaddset(&S.watched, signo);
  r = update_fd();
  if (r < 0) forget(signo);
  return r;
}

int weft__signal_attempt(struct weft__fiber *f) {
  int signo = f->op->u.read.fd;
  int r = catchable(signo) ? 0 : -EINVAL;
  for (size_t i = 0; r == 0 && i < S.nunclaimed; i++) {
    if (S.unclaimed[i].signo != signo) continue;
    /* An instance that came while this fiber was between two waits. */
    memmove(&S.unclaimed[i], &S.unclaimed[i + 1], (S.nunclaimed - i - 1) * sizeof *S.unclaimed);
    S.nunclaimed--;
    f->value = (uintptr_t)signo;
    f->err = 0;
    return WEFT__OP_DONE;
  }
  if (r == 0 && !sigismember(&S.watched, signo)) r = watch(signo);
  if (r < 0) {
    f->value = 0;
    f->err = r;
    return WEFT__OP_DONE;
  }
  if (S.len == S.cap) {
    size_t cap = S.cap ? S.cap * 2 : 8;
    struct weft__fiber **grown = realloc(S.waiters, cap * sizeof *grown);
    if (grown == NULL) abort();
    S.waiters = grown;
    S.cap = cap;
  }
  S.waiters[S.len++] = f;
  f->state = WEFT__FS_WAIT_SIGNAL;
  weft__loop.waiting_io++; /* the loop polls for it: not a deadlock */
  return WEFT__OP_WAIT;
}

void weft__signal_unwatch(struct weft__fiber *f) {
  for (size_t i = 0; i < S.len; i++) {
    if (S.waiters[i] != f) continue;
    memmove(&S.waiters[i], &S.waiters[i + 1], (S.len - i - 1) * sizeof *S.waiters);
    S.len--;
    weft__loop.waiting_io--;
    S.settled = false;
    return;
  }
}

/* Every fiber waiting for signo completes with it (libuv calls every
 * uv_signal_t of a signal; Lwt every handler). */
static void deliver(const struct signalfd_siginfo *info) {
  int signo = (int)info->ssi_signo;
  size_t kept = 0;
  bool claimed = false;
  for (size_t i = 0; i < S.len; i++) {
    struct weft__fiber *f = S.waiters[i];
    if (f->op->u.read.fd != signo) {
      S.waiters[kept++] = f;
      continue;
    }
    claimed = true;
    weft__loop.waiting_io--;
    weft__node_release(f->op);
    f->op = NULL;
    weft__fiber_resume(f, (uintptr_t)signo, 0);
  }
  S.len = kept;
  S.settled = false;
  if (claimed) return;
  if (S.nunclaimed == S.capunclaimed) {
    size_t cap = S.capunclaimed ? S.capunclaimed * 2 : 8;
    struct arrival *grown = realloc(S.unclaimed, cap * sizeof *grown);
    if (grown == NULL) abort();
    S.unclaimed = grown;
    S.capunclaimed = cap;
  }
  S.unclaimed[S.nunclaimed++] = (struct arrival){.signo = signo,
                                                .value = {.sival_ptr = (void *)(uintptr_t)info->ssi_ptr},
                                                .pid = (pid_t)info->ssi_pid,
                                                .uid = (uid_t)info->ssi_uid};
}

bool weft__signal_ready(uint64_t data) {
  if (S.fd < 0 || data != signal_data(S.fd)) return false;
  struct signalfd_siginfo info[16];
  for (;;) {
    ssize_t n = read(S.fd, info, sizeof info);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* EAGAIN: all read */
    for (size_t i = 0; i < (size_t)n / sizeof info[0]; i++) deliver(&info[i]);
    if ((size_t)n < sizeof info) break;
  }
  return true;
}

void weft__signal_rearm(void) {
  if (S.fd >= 0) weft__backend_set(S.fd, 0, EPOLLIN, signal_data(S.fd));
}

void weft__signal_settle(void) {
  if (S.settled) return;
  S.settled = true;
  for (int signo = 1; signo < NSIG; signo++) {
    if (!sigismember(&S.watched, signo)) continue;
    bool waited = false;
    for (size_t i = 0; i < S.len && !waited; i++) waited = S.waiters[i]->op->u.read.fd == signo;
    if (!waited) forget(signo);
  }
}

/* The child of a fork made while a loop waits for signals inherits the
 * loop's signalfd, and a signalfd's mask belongs to the file, which the
 * parent still polls: a child that changed it (its own weft_signal, or the
 * close of its own loop emptying it) would take the parent's signals away.
 * The child drops its copy of the descriptor and of the waiters (fibers of
 * the loop it set aside) and starts with none; the signals stay blocked in
 * the child, as the fork left them (see weft_signal in docs/runtime.md). */
void weft__signal_forked(void) {
  if (S.fd >= 0) close(S.fd);
  free(S.waiters);
  free(S.unclaimed);
  S = (struct signals){.fd = -1, .settled = true};
}

/* At loop close every fiber is gone: every signal is forgotten. */
void weft__signal_close(void) {
  free(S.waiters);
  S.waiters = NULL;
  S.len = S.cap = 0;
  S.settled = false;
  weft__signal_settle(); /* which sends back what nobody claimed */
  free(S.unclaimed);
  S.unclaimed = NULL;
  S.nunclaimed = S.capunclaimed = 0;
  if (S.fd >= 0) close(S.fd);
  S.fd = -1;
}
