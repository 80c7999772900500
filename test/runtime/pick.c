/* pick.c: weft_pick runs two actions concurrently; the first to finish, success or failure, gives the result.
 * Proves: the faster side wins, the loser is cancelled while the loop runs, and a cancelled read takes no bytes. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct race {
  int fds[2];
  struct cancel_probe probe;
};

static async(long) slow(struct race *r) {
  return weft_finally(weft_bind(weft_sleep_ms(60000), probe_late, &r->probe), probe_final, &r->probe);
}

static async(long) fail_soon(struct race *r, long v) {
  (void)r;
  (void)v;
  return weft_fail(long, -EHOSTDOWN);
}

static async(str) read_late(struct race *r, char *s) {
  r->probe.late++;
  return weft_return(str, s);
}

static async(str) timer_wins(struct race *r, long slept) {
  (void)r;
  (void)slept;
  return weft_return(str, "timer");
}

int main(void) {
  struct race r = {0};
  long l = 0;
  char *s = NULL;
  char buf[8] = "";
  test_pipe(r.fds);

  /* The fast branch wins on either side. */
  CHECK_INT_EQ(weft_run(weft_finally(weft_pick(weft_sleep_ms(5), weft_then(weft_return(void), slow, &r)), probe_settle,
                                     &r.probe),
                        &l),
               0);
  CHECK_INT_GE(l, 5);
  CHECK_INT_LT(l, 60000);
  CHECK_INT_EQ(r.probe.finals_in_loop, 1);
  CHECK_INT_EQ(weft_run(weft_finally(weft_pick(weft_then(weft_return(void), slow, &r), weft_sleep_ms(5)), probe_settle,
                                     &r.probe),
                        &l),
               0);
  CHECK_INT_GE(l, 5);
  CHECK_INT_LT(l, 60000);
  CHECK_INT_EQ(r.probe.finals_in_loop, 2);
  CHECK_INT_EQ(r.probe.finals, 2);
  CHECK_INT_EQ(r.probe.late, 0);

  /* An immediate value wins. */
  CHECK_INT_EQ(weft_run(weft_finally(weft_pick(weft_then(weft_return(void), slow, &r), weft_return(long, -8)),
                                     probe_settle, &r.probe),
                        &l),
               0);
  CHECK_INT_EQ(l, -8);
  CHECK_INT_EQ(r.probe.finals_in_loop, 3);
  CHECK_INT_EQ(r.probe.finals, 3);

  /* A failure that comes first wins too. */
  CHECK_INT_EQ(weft_run(weft_finally(weft_pick(weft_bind(weft_sleep_ms(2), fail_soon, &r),
                                               weft_then(weft_return(void), slow, &r)),
                                     probe_settle, &r.probe),
                        &l),
               -EHOSTDOWN);
  CHECK_INT_EQ(r.probe.finals_in_loop, 4);
  CHECK_INT_EQ(r.probe.finals, 4);
  CHECK_INT_EQ(r.probe.late, 0);

  /* A read that loses leaves the pipe's bytes unread: cancellation takes
   * nothing from the fd. */
  CHECK_INT_EQ(weft_run(weft_pick(weft_bind(weft_read(r.fds[0], 4), read_late, &r), weft_bind(weft_sleep_ms(5), timer_wins, &r)), &s), 0);
  CHECK_STR_EQ(s, "timer");
  CHECK_INT_EQ(r.probe.late, 0);
  CHECK_INT_EQ(write(r.fds[1], "data", 4), 4);
  CHECK_INT_EQ(read(r.fds[0], buf, sizeof buf), 4);
  CHECK_MEM_EQ(buf, "data", 4);

  close(r.fds[0]);
  close(r.fds[1]);
  return 0;
}
