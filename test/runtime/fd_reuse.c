/* fd_reuse.c: an fd number weft has seen, closed with plain close() and handed out again, is a new fd.
 * Proves: weft reads the new pipe without blocking (else SIGALRM ends the test) and never changes its flags. */
#include <signal.h>
#include <weft.h>

#include "check.h"
#include "support.h"

struct ru {
  int first[2];
  int second[2];
  int second_flags_before;
  int flags_during;
  char got[8];
};

static async(str) timer_wins(struct ru *r, long slept) {
  (void)slept;
  r->flags_during = test_fd_flags(r->second[0]);
  return weft_return(str, "timer");
}

/* s is the timer's literal or (wrongly) bytes read: plain C string either way. */
static async(void) keep(struct ru *r, char *s) {
  snprintf(r->got, sizeof r->got, "%s", s);
  return weft_return(void);
}

/* The first pipe is done with: it is closed behind weft's back, and a new
 * pipe gets the same numbers.  Nothing has been written to it, so a read on
 * it must wait in epoll, not in read(2). */
static async(void) swap_pipes(struct ru *r, char *s) {
  CHECK_STR_EQ(s, "a");
  CHECK_SYS(close(r->first[0]));
  CHECK_SYS(close(r->first[1]));
  test_pipe(r->second);
  CHECK_INT_EQ(r->second[0], r->first[0]);
  r->second_flags_before = test_fd_flags(r->second[0]);
  return weft_bind(weft_pick(weft_read(r->second[0], 1), weft_bind(weft_sleep_ms(20), timer_wins, r)), keep, r);
}

int main(void) {
  struct ru r = {0};
  test_pipe(r.first);
  /* The first pipe starts non-blocking: restoring its flags onto the new
   * pipe's number at loop end would be wrong. */
  CHECK_SYS(fcntl(r.first[0], F_SETFL, O_NONBLOCK));
  CHECK_INT_EQ(write(r.first[1], "a", 1), 1);

  alarm(3); /* a read blocking in the kernel would otherwise hang here */
  CHECK_INT_EQ(weft_run(weft_bind(weft_read(r.first[0], 1), swap_pipes, &r), NULL), 0);
  alarm(0);

  CHECK_STR_EQ(r.got, "timer");
  CHECK_INT_EQ(r.flags_during, r.second_flags_before);
  CHECK_TRUE(!(r.second_flags_before & O_NONBLOCK));
  CHECK_INT_EQ(test_fd_flags(r.second[0]), r.second_flags_before);

  CHECK_SYS(close(r.second[0]));
  CHECK_SYS(close(r.second[1]));
  return 0;
}
