/* timeout.c: weft_timeout(m, ms) is m if m finishes in time, else -ETIMEDOUT and m is cancelled.
 * Proves: in-time values and failures pass, a late m times out no earlier than ms and is cancelled in the loop. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct st {
  struct cancel_probe probe;
  int err;
};

static async(long) record(struct st *s, int err) {
  s->err = err;
  return weft_return(long, -1);
}

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
  CHECK_INT_EQ(weft_run(weft_finally(weft_timeout(weft_finally(weft_bind(weft_sleep_ms(60000), probe_late, &s.probe),
                                                                probe_final, &s.probe),
                                                   30),
                                     probe_settle, &s.probe),
                        &l),
               -ETIMEDOUT);
  CHECK_INT_GE(test_now_ms() - t0, 30);
  CHECK_INT_EQ(s.probe.finals_in_loop, 1);
  CHECK_INT_EQ(s.probe.finals, 1);
  CHECK_INT_EQ(s.probe.late, 0);

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
