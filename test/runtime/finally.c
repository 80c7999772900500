/* finally.c: weft_finally runs its finaliser after success, after failure and on cancellation, then delivers the outcome.
 * Proves: the finaliser runs exactly once in each case, after the body, and a failing finaliser's code wins. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct state {
  struct cancel_probe probe;
  int body_done;
  char order[8];
  int n;
};

static void note(struct state *st, char c) {
  st->order[st->n++] = c;
  st->order[st->n] = '\0';
}

static async(void) finaliser(struct state *st) {
  st->probe.finals++;
  note(st, 'f');
  return weft_return(void);
}

static async(void) failing_finaliser(struct state *st) {
  st->probe.finals++;
  note(st, 'F');
  return weft_fail(-EROFS);
}

/* A finaliser may itself wait: the outcome is delivered only after it. */
static async(void) after_sleep(struct state *st, long slept) {
  (void)slept;
  st->probe.finals++;
  note(st, 's');
  return weft_return(void);
}

static async(void) slow_finaliser(struct state *st) {
  return weft_bind(weft_sleep_ms(5), after_sleep, st);
}

static async(int) body(struct state *st, int v) {
  st->body_done++;
  note(st, 'b');
  return weft_return(int, v);
}

static async(long) body_long(struct state *st, long v) {
  st->body_done++;
  return weft_return(long, v);
}

int main(void) {
  struct state st = {0};
  int i = 0;
  long l = 0;

  /* Success: body, then finaliser, then the value. */
  CHECK_INT_EQ(weft_run(weft_finally(weft_bind(weft_return(int, 5), body, &st), finaliser, &st), &i), 0);
  CHECK_INT_EQ(i, 5);
  CHECK_STR_EQ(st.order, "bf");

  /* Failure: the finaliser runs and the failure is delivered. */
  st = (struct state){0};
  CHECK_INT_EQ(weft_run(weft_finally(weft_bind(weft_fail(int, -EIO), body, &st), finaliser, &st), &i), -EIO);
  CHECK_INT_EQ(st.probe.finals, 1);
  CHECK_INT_EQ(st.body_done, 0);

  /* A failing finaliser wins over success and over the body's failure. */
  st = (struct state){0};
  CHECK_INT_EQ(weft_run(weft_finally(weft_return(int, 1), failing_finaliser, &st), &i), -EROFS);
  CHECK_INT_EQ(weft_run(weft_finally(weft_fail(int, -EIO), failing_finaliser, &st), &i), -EROFS);
  CHECK_INT_EQ(st.probe.finals, 2);

  /* A waiting finaliser: its sleep completes before the value arrives. */
  st = (struct state){0};
  CHECK_INT_EQ(weft_run(weft_finally(weft_bind(weft_return(int, 8), body, &st), slow_finaliser, &st), &i), 0);
  CHECK_INT_EQ(i, 8);
  CHECK_STR_EQ(st.order, "bs");

  /* Cancellation by weft_pick: the loser's finaliser runs; its body never finishes. */
  st = (struct state){0};
  async(long) loser = weft_finally(weft_bind(weft_sleep_ms(60000), body_long, &st), finaliser, &st);
  CHECK_INT_EQ(weft_run(weft_finally(weft_pick(loser, weft_sleep_ms(1)), probe_settle, &st.probe), &l), 0);
  CHECK_INT_GE(l, 1);
  CHECK_INT_EQ(st.probe.finals_in_loop, 1);
  CHECK_INT_EQ(st.probe.finals, 1);
  CHECK_INT_EQ(st.body_done, 0);

  /* Cancellation by weft_timeout runs the finaliser too. */
  st = (struct state){0};
  CHECK_INT_EQ(weft_run(weft_finally(weft_timeout(weft_finally(weft_sleep_ms(60000), finaliser, &st), 10), probe_settle,
                                     &st.probe),
                        &l),
               -ETIMEDOUT);
  CHECK_INT_EQ(st.probe.finals_in_loop, 1);
  CHECK_INT_EQ(st.probe.finals, 1);

  /* Nested finalisers run innermost first. */
  st = (struct state){0};
  CHECK_INT_EQ(weft_run(weft_finally(weft_finally(weft_bind(weft_return(int, 2), body, &st), finaliser, &st),
                                     failing_finaliser, &st),
                        &i),
               -EROFS);
  CHECK_STR_EQ(st.order, "bfF");
  return 0;
}
