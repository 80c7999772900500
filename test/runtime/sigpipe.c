/* sigpipe.c: weft never changes the SIGPIPE disposition; a write to a closed pipe or socket is -EPIPE, not a signal.
 * Proves: default and handler dispositions are the same during and after; no SIGPIPE is delivered or left pending. */
#include <signal.h>
#include <sys/socket.h>
#include <weft.h>

#include "check.h"
#include "support.h"

static volatile sig_atomic_t caught;

static void on_sigpipe(int sig) {
  (void)sig;
  caught++;
}

static void (*current_handler(void))(int) {
  struct sigaction now;
  CHECK_SYS(sigaction(SIGPIPE, NULL, &now));
  return now.sa_handler;
}

static bool sigpipe_pending(void) {
  sigset_t set;
  CHECK_SYS(sigpending(&set));
  return sigismember(&set, SIGPIPE);
}

static bool sigpipe_blocked(void) {
  sigset_t set;
  CHECK_INT_EQ(pthread_sigmask(SIG_BLOCK, NULL, &set), 0);
  return sigismember(&set, SIGPIPE);
}

struct sp {
  void (*during)(int);
  bool blocked_during;
};

static async(void) look(struct sp *s) {
  s->during = current_handler();
  s->blocked_during = sigpipe_blocked();
  return weft_return(void);
}

/* A write into a pipe whose reader has gone, then a look at the disposition. */
static async(void) write_then_look(struct sp *s, int fd) { return weft_then(weft_write(fd, "lost", 4), look, s); }

static void epipe_case(struct sp *s, void (*expected)(int)) {
  int p[2];
  test_pipe(p);
  CHECK_SYS(close(p[0]));
  CHECK_INT_EQ(weft_run(write_then_look(s, p[1]), NULL), -EPIPE);
  CHECK_TRUE(current_handler() == expected);
  CHECK_TRUE(!sigpipe_pending());
  CHECK_TRUE(!sigpipe_blocked());
  CHECK_SYS(close(p[1]));

  int sv[2];
  CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  CHECK_SYS(close(sv[1]));
  CHECK_INT_EQ(weft_run(write_then_look(s, sv[0]), NULL), -EPIPE);
  CHECK_TRUE(current_handler() == expected);
  CHECK_TRUE(!sigpipe_pending());
  CHECK_SYS(close(sv[0]));
}

int main(void) {
  struct sp s = {0};
  struct sigaction sa = {0};

  /* The default disposition: the same during and after, and a write to a
   * closed pipe does not kill the process. */
  CHECK_TRUE(current_handler() == SIG_DFL);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), look, &s), NULL), 0);
  CHECK_TRUE(s.during == SIG_DFL);
  CHECK_TRUE(!s.blocked_during);
  epipe_case(&s, SIG_DFL);

  /* A handler of ours: kept during and after, and not called for a write
   * weft made. */
  sa.sa_handler = on_sigpipe;
  sigemptyset(&sa.sa_mask);
  CHECK_SYS(sigaction(SIGPIPE, &sa, NULL));
  s.during = NULL;
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), look, &s), NULL), 0);
  CHECK_TRUE(s.during == on_sigpipe);
  epipe_case(&s, on_sigpipe);
  CHECK_INT_EQ(caught, 0);
  CHECK_SYS(raise(SIGPIPE));
  CHECK_INT_EQ(caught, 1);
  return 0;
}
