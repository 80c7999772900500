/* sigpipe.c: SIGPIPE is ignored while a loop runs and its disposition is put back when weft_run returns.
 * Proves: default or our handler before, SIG_IGN during, the same after (a raised SIGPIPE reaches our handler). */
#include <signal.h>
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

struct sp {
  void (*during)(int);
  int p[2];
};

static async(void) look(struct sp *s) {
  s->during = current_handler();
  return weft_return(void);
}

int main(void) {
  struct sp s = {0};
  struct sigaction sa = {0};

  /* A default disposition before: ignored during, default after. */
  CHECK_TRUE(current_handler() == SIG_DFL);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), look, &s), NULL), 0);
  CHECK_TRUE(s.during == SIG_IGN);
  CHECK_TRUE(current_handler() == SIG_DFL);

  /* A handler of ours before: ignored during, ours after. */
  sa.sa_handler = on_sigpipe;
  sigemptyset(&sa.sa_mask);
  CHECK_SYS(sigaction(SIGPIPE, &sa, NULL));
  s.during = NULL;
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), look, &s), NULL), 0);
  CHECK_TRUE(s.during == SIG_IGN);
  CHECK_TRUE(current_handler() == on_sigpipe);
  CHECK_SYS(raise(SIGPIPE));
  CHECK_INT_EQ(caught, 1);

  /* A run that writes into a closed pipe: no signal reaches the handler
   * during it, and the handler is back after. */
  test_pipe(s.p);
  CHECK_SYS(close(s.p[0]));
  CHECK_INT_EQ(weft_run(weft_write(s.p[1], "lost", 4), NULL), -EPIPE);
  CHECK_INT_EQ(caught, 1);
  CHECK_TRUE(current_handler() == on_sigpipe);
  CHECK_SYS(close(s.p[1]));
  return 0;
}
