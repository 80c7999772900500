/* timeout.c: weft_timeout(m, ms) is m if m finishes in time, else -ETIMEDOUT and m is cancelled.
 * Proves: in-time values and failures pass, a late m times out no earlier than ms and is cancelled in the loop. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct st {
  int finals;
  int finals_in_loop;
  int late;
  int err;
};

static async(long) late(struct st *s, long v) {
  s->late++;
  return weft_return(long, v);
}

static async(void) count_final(struct st *s) {
  s->finals++;
  return weft_return(void);
}

static async(long) record(struct st *s, int err) {
  s->err = err;
  return weft_return(long, -1);
}

/* Runs after the combinator has resolved: give the loop 10 ms, then note
 * how many finalisers have run.  Cancellation must happen while the loop
 * runs, not only when weft_run closes it (which would run them too). */
static async(void) note_finals(struct st *x, long slept) {
  (void)slept;
  x->finals_in_loop = x->finals;
  return weft_return(void);
}

static async(void) settle(struct st *x) { return weft_bind(weft_sleep_ms(10), note_finals, x); }

int main(void) {
  struct st s = {0};
  long l = 0;
  int i = 0;

  /* In time: the value, unchanged. */
  CHECK_INT_EQ(weft_run(weft_timeout(weft_return(int, -77), 1000), &i), 0);
  CHECK_INT_EQ(i, -77);
  CHECK_INT_EQ(weft_run(weft_timeout(weft_sleep_ms(2), 10000), &l), 0);
  CHECK_INT_GE(l, 2);

  /* In time, but failing: m's own failure, not a timeout. */
  CHECK_INT_EQ(weft_run(weft_timeout(weft_fail(int, -EOVERFLOW), 1000), &i), -EOVERFLOW);

  /* Too late: -ETIMEDOUT, not before the deadline, and m is cancelled. */
  long long t0 = test_now_ms();
  CHECK_INT_EQ(weft_run(weft_finally(weft_timeout(weft_finally(weft_bind(weft_sleep_ms(60000), late, &s), count_final, &s), 30),
                                     settle, &s),
                        &l),
               -ETIMEDOUT);
  CHECK_INT_GE(test_now_ms() - t0, 30);
  CHECK_INT_EQ(s.finals_in_loop, 1);
  CHECK_INT_EQ(s.finals, 1);
  CHECK_INT_EQ(s.late, 0);

  /* The timeout failure is catchable like any other. */
  CHECK_INT_EQ(weft_run(weft_catch(weft_timeout(weft_sleep_ms(60000), 1), record, &s), &l), 0);
  CHECK_INT_EQ(l, -1);
  CHECK_INT_EQ(s.err, -ETIMEDOUT);

  /* A zero timeout on a pending action expires. */
  CHECK_INT_EQ(weft_run(weft_timeout(weft_sleep_ms(60000), 0), &l), -ETIMEDOUT);

  /* Nested: the inner, shorter timeout fires first and is what we see. */
  s.err = 0;
  CHECK_INT_EQ(weft_run(weft_timeout(weft_catch(weft_timeout(weft_sleep_ms(60000), 5), record, &s), 60000), &l), 0);
  CHECK_INT_EQ(s.err, -ETIMEDOUT);
  return 0;
}
