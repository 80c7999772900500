/* io_cancel_watch.c: cancelling a pending read (weft_pick, weft_timeout) releases its fd watch at once.
 * Proves, by the epoll fd's /proc/self/fdinfo: watched while waiting, unwatched right after the cancel. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct cw {
  int fds[2];
  bool watched_while_pending;
  bool watched_while_timing;
  int timeout_err;
  int late;
  char got[8];
};

static async(str) read_late(struct cw *c, char *s) {
  c->late++;
  return weft_return(str, s);
}

/* The other branch: look while the read is waiting, then win the pick. */
static async(str) look_then_win(struct cw *c, long slept) {
  (void)slept;
  c->watched_while_pending = test_epoll_watches(c->fds[0]);
  return weft_return(str, "timer");
}

static async(void) after_pick(struct cw *c, char *winner) {
  CHECK_STR_EQ(winner, "timer");
  CHECK_INT_EQ(c->late, 0);
  /* The loop is still running, and the cancelled read's watch is gone. */
  CHECK_TRUE(!test_epoll_watches(c->fds[0]));
  return weft_return(void);
}

/* Beside the timed read: look while it waits, 1 ms in (the timeout is 10). */
static async(void) look_while_timing(struct cw *c, long slept) {
  (void)slept;
  c->watched_while_timing = test_epoll_watches(c->fds[0]);
  return weft_return(void);
}

static async(str) timed_read(struct cw *c) {
  weft_spawn(weft_bind(weft_sleep_ms(1), look_while_timing, c));
  return weft_timeout(weft_read(c->fds[0], 4), 10);
}

static async(str) after_timeout(struct cw *c, int err) {
  c->timeout_err = err;
  CHECK_TRUE(!test_epoll_watches(c->fds[0]));
  return weft_return(str, "");
}

static async(void) keep(struct cw *c, char *s) {
  memcpy(c->got, s, weft_str_len(s) + 1);
  return weft_return(void);
}

/* After the cancellation, the same fd works for a new read. */
static async(void) read_again(struct cw *c, char *ignored) {
  (void)ignored;
  CHECK_INT_EQ(write(c->fds[1], "again", 5), 5);
  return weft_bind(weft_read(c->fds[0], 7), keep, c);
}

int main(void) {
  struct cw c = {0};
  test_pipe(c.fds);

  /* weft_pick: the read loses to a 10 ms timer. */
  async(str) pending = weft_bind(weft_read(c.fds[0], 4), read_late, &c);
  CHECK_INT_EQ(weft_run(weft_bind(weft_pick(pending, weft_bind(weft_sleep_ms(10), look_then_win, &c)), after_pick, &c),
                        NULL),
               0);
  /* Without this the check after the pick would prove nothing. */
  CHECK_TRUE(c.watched_while_pending);

  /* weft_timeout: the read times out after 10 ms. */
  CHECK_INT_EQ(
      weft_run(weft_bind(weft_catch(weft_then(weft_return(void), timed_read, &c), after_timeout, &c), read_again, &c),
               NULL),
      0);
  /* As for the pick: the read was watched before the timeout released it. */
  CHECK_TRUE(c.watched_while_timing);
  CHECK_INT_EQ(c.timeout_err, -ETIMEDOUT);
  CHECK_STR_EQ(c.got, "again");

  CHECK_SYS(close(c.fds[0]));
  CHECK_SYS(close(c.fds[1]));
  return 0;
}
