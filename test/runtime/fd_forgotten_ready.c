/* fd_forgotten_ready.c: a number closed with close(2) and reused while its old file, kept by a dup or a fork's child, stays ready.
 * Proves: the loop still sleeps (a few polls over a sleep, where it polled without end: backend_epoll.c trap k), and what waits
 * in epoll while the instance is made anew (a read of the reused number, a signal, a worker pool job, a child's exit) is served. */
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <weft.h>

#include "check.h"
#include "support.h"

/* Every poll of the loop, counted: the test's epoll_wait stands in for the
 * C library's, which the runtime, linked statically, calls through it. */
static long polls;
int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout) {
  polls++;
  return (int)syscall(SYS_epoll_pwait, epfd, events, maxevents, timeout, NULL, sizeof(sigset_t));
}

/* An idle stretch polls a handful of times (a poll, one made anew, the
 * timer's); a loop spinning on the old file's events polls thousands. */
#define IDLE_POLLS_MAX 10

enum kind { PIPE, SOCKET };
enum keeper { DUP, CHILD };

struct fr {
  enum kind kind;
  enum keeper keeper;
  int fd, peer, old_peer;
  int kept;     /* DUP: the old file's dup */
  pid_t child;  /* CHILD: holds the old file until hold[1] closes */
  int hold[2];
  long polls_at;
  int signo;
  weft_process_t *proc; /* a child whose exit is awaited across the renewal */
  int status;
  char got[2][8];
};

static void make_file(enum kind kind, int fds[2]) {
  if (kind == PIPE) {
    test_pipe(fds);
  } else {
    CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  }
}

static async(void) put_new(struct fr *r, long ms) {
  (void)ms;
  CHECK_INT_EQ(write(r->peer, "new", 3), 3);
  return weft_return(void);
}

static async(void) got_new(struct fr *r, char *s) {
  snprintf(r->got[1], sizeof r->got[1], "%s", s);
  return weft_return(void);
}

static async(void) got_signal(struct fr *r, int signo) {
  r->signo = signo;
  return weft_return(void);
}

static async(void) send_usr1(struct fr *r, long ms) {
  (void)r;
  (void)ms;
  CHECK_SYS(kill(getpid(), SIGUSR1));
  return weft_return(void);
}

static void *slow_job(void *arg) {
  usleep(50 * 1000);
  return arg;
}

static async(void) job_done(struct fr *r, void *result) {
  CHECK_TRUE(result == r);
  return weft_return(void);
}

static async(void) exited(struct fr *r, int status) {
  r->status = status;
  return weft_return(void);
}

static async(void) idle_checked(struct fr *r, long ms) {
  (void)ms;
  CHECK_INT_LE(polls - r->polls_at, IDLE_POLLS_MAX);
  return weft_return(void);
}

/* After the waits, the loop idles for 100 ms, the old file still ready. */
static async(void) idle(struct fr *r) {
  r->polls_at = polls;
  return weft_bind(weft_sleep_ms(100), idle_checked, r);
}

/* The old file is ready from now on and nobody reads it: its registration
 * under the number reports at every poll.  Meanwhile a read of the reused
 * number, a signal, a worker pool job and a child's exit wait, each served. */
static async(void) swap(struct fr *r, char *s) {
  int fds[2];
  snprintf(r->got[0], sizeof r->got[0], "%s", s);
  if (r->keeper == DUP) {
    r->kept = dup(r->fd);
    CHECK_INT_GE(r->kept, 0);
  } else {
    test_pipe(r->hold);
    r->child = fork();
    CHECK_INT_GE(r->child, 0);
    if (r->child == 0) {
      /* head holds the old file (a dup without close-on-exec) until it
       * reads the end of hold, which the parent closes at the end. */
      if (dup(r->fd) < 0 || dup2(r->hold[0], 0) < 0) _exit(1);
      execlp("head", "head", "-c", "1", (char *)NULL);
      _exit(127);
    }
    CHECK_SYS(close(r->hold[0]));
  }
  make_file(r->kind, fds);
  CHECK_SYS(dup2(fds[0], r->fd)); /* behind weft's back: the number names the new file */
  CHECK_SYS(close(fds[0]));
  r->peer = fds[1];
  CHECK_INT_EQ(write(r->old_peer, "old", 3), 3);
  async(void) reading = weft_join(weft_bind(weft_read(r->fd, 8), got_new, r), weft_bind(weft_sleep_ms(100), put_new, r));
  async(void) signalled = weft_join(weft_bind(weft_signal(SIGUSR1), got_signal, r), weft_bind(weft_sleep_ms(60), send_usr1, r));
  async(void) job = weft_bind(weft_detach(slow_job, r), job_done, r);
  CHECK_INT_EQ(weft_process_spawn(&r->proc, "sleep", (char *[]){"sleep", "0.08", NULL}, NULL), 0);
  async(void) child = weft_bind(weft_process_wait(r->proc), exited, r);
  return weft_then(weft_join(weft_join(reading, child), weft_join(signalled, job)), idle, r);
}

static async(void) put_old(struct fr *r, long ms) {
  (void)ms;
  CHECK_INT_EQ(write(r->old_peer, "first", 5), 5);
  return weft_return(void);
}

/* The first read waits in epoll, so that weft keeps the registration. */
static void forgotten(enum kind kind, enum keeper keeper) {
  struct fr r = {.kind = kind, .keeper = keeper, .kept = -1, .child = -1};
  int fds[2];
  make_file(kind, fds);
  r.fd = fds[0];
  r.old_peer = fds[1];
  CHECK_INT_EQ(weft_run(weft_join(weft_bind(weft_read(r.fd, 8), swap, &r), weft_bind(weft_sleep_ms(10), put_old, &r)), NULL), 0);
  CHECK_STR_EQ(r.got[0], "first");
  CHECK_STR_EQ(r.got[1], "new");
  CHECK_INT_EQ(r.signo, SIGUSR1);
  CHECK_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
  weft_process_free(r.proc);
  if (keeper == DUP) {
    CHECK_SYS(close(r.kept));
  } else {
    int status;
    CHECK_SYS(close(r.hold[1]));
    CHECK_INT_EQ(waitpid(r.child, &status, 0), r.child);
    CHECK_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  CHECK_SYS(close(r.fd));
  CHECK_SYS(close(r.peer));
  CHECK_SYS(close(r.old_peer));
}

int main(void) {
  for (int kind = PIPE; kind <= SOCKET; kind++)
    for (int keeper = DUP; keeper <= CHILD; keeper++) forgotten((enum kind)kind, (enum keeper)keeper);
  return 0;
}
