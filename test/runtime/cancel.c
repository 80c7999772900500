/* cancel.c: what cancellation does to the loser of a weft_pick: unwind with -ECANCELED past catch, through finally.
 * Proves: its handlers never run, a failing finaliser is reported but caught by none, and the result does not wait. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct cx {
  int handled;
  int finals;
  bool slow_final_started;
  bool slow_final_done;
  bool slow_final_started_at_result;
  bool slow_final_done_at_result;
};

static async(long) handler(struct cx *c, int err) {
  (void)err;
  c->handled++;
  return weft_return(long, -1);
}

static async(void) failing_final(struct cx *c) {
  c->finals++;
  return weft_fail(-ENOLINK);
}

static async(void) slow_final_done(struct cx *c, long slept) {
  (void)slept;
  c->slow_final_done = true;
  return weft_return(void);
}

static async(void) slow_final(struct cx *c) {
  c->slow_final_started = true;
  return weft_bind(weft_sleep_ms(200), slow_final_done, c);
}

static async(long) note_result(struct cx *c, long v) {
  c->slow_final_started_at_result = c->slow_final_started;
  c->slow_final_done_at_result = c->slow_final_done;
  return weft_return(long, v);
}

int main(void) {
  struct cx c = {0};
  long l = 0;

  /* A catch around the loser does not catch its cancellation. */
  CHECK_INT_EQ(weft_run(weft_pick(weft_catch(weft_sleep_ms(60000), handler, &c), weft_sleep_ms(5)), &l), 0);
  CHECK_INT_GE(l, 5);
  CHECK_INT_EQ(c.handled, 0);

  /* A finaliser failing while the loser unwinds: still no handler runs, and
   * the failure is reported on stderr. */
  int saved = dup(2), err_pipe[2];
  char report[512] = "";
  CHECK_INT_GE(saved, 0);
  test_pipe(err_pipe);
  CHECK_SYS(dup2(err_pipe[1], 2));
  int rc = weft_run(
      weft_pick(weft_catch(weft_finally(weft_sleep_ms(60000), failing_final, &c), handler, &c), weft_sleep_ms(5)), &l);
  CHECK_SYS(dup2(saved, 2));
  CHECK_SYS(close(saved));
  CHECK_SYS(close(err_pipe[1]));
  CHECK_INT_GE(read(err_pipe[0], report, sizeof report - 1), 0);
  CHECK_SYS(close(err_pipe[0]));
  CHECK_INT_EQ(rc, 0);
  CHECK_INT_EQ(c.finals, 1);
  CHECK_INT_EQ(c.handled, 0);
  CHECK_TRUE(strstr(report, strerror(ENOLINK)) != NULL);

  /* The pick's result is delivered without waiting for the loser's slow
   * finaliser (which the loop's close then runs as far as it goes). */
  CHECK_INT_EQ(weft_run(weft_bind(weft_pick(weft_finally(weft_sleep_ms(60000), slow_final, &c), weft_sleep_ms(5)),
                                  note_result, &c),
                        &l),
               0);
  /* Not vacuous: the loser was cancelled and its finaliser had started by
   * then, it just had not finished. */
  CHECK_TRUE(c.slow_final_started_at_result);
  CHECK_TRUE(!c.slow_final_done_at_result);
  return 0;
}
