/* sleep.c: weft_sleep and weft_sleep_ms never return before their time by CLOCK_MONOTONIC.
 * Proves: elapsed and reported >= asked, for 0, negative and many times, from when it runs, also concurrently. */
#include <weft.h>

#include "check.h"
#include "support.h"

struct timing {
  long long start_us;
  long requested_ms[4];
  long long woke_us[4];
  long reported[4];
  int order[4]; /* which sleep woke first, second... (indices into the arrays above) */
  int n;
};

/* Each sleep knows which it is: under load the four may start milliseconds
 * apart, so the order they wake in need not be the order of their lengths. */
struct sleeper {
  struct timing *t;
  int k;
};

static async(void) woke(struct sleeper *s, long slept) {
  struct timing *t = s->t;
  t->order[t->n++] = s->k;
  t->woke_us[s->k] = test_now_us();
  t->reported[s->k] = slept;
  return weft_return(void);
}

int main(void) {
  int secs = 0;
  long ms = 0;

  /* Seconds. */
  long long t0 = test_now_us();
  CHECK_INT_EQ(weft_run(weft_sleep(1), &secs), 0);
  long long elapsed = test_now_us() - t0;
  CHECK_INT_GE(elapsed, 1000000);
  CHECK_INT_GE(secs, 1);
  CHECK_INT_LE(secs, elapsed / 1000000 + 1);

  CHECK_INT_EQ(weft_run(weft_sleep(0), &secs), 0);
  CHECK_INT_GE(secs, 0);

  /* Milliseconds, including values that are not multiples of a tick. */
  static const long spread[] = {0, 1, 2, 3, 7, 10, 15, 33, 50, 101};
  for (size_t k = 0; k < sizeof spread / sizeof spread[0]; k++) {
    t0 = test_now_us();
    CHECK_INT_EQ(weft_run(weft_sleep_ms(spread[k]), &ms), 0);
    elapsed = test_now_us() - t0;
    CHECK_INT_GE(elapsed, spread[k] * 1000);
    CHECK_INT_GE(ms, spread[k]);
    CHECK_INT_LE(ms, elapsed / 1000 + 1);
  }

  /* The clock starts when the action runs, not when it is built. */
  async(long) built_early = weft_sleep_ms(50);
  struct timespec pause = {0, 100 * 1000000};
  nanosleep(&pause, NULL);
  t0 = test_now_us();
  CHECK_INT_EQ(weft_run(built_early, &ms), 0);
  CHECK_INT_GE(test_now_us() - t0, 50 * 1000);
  CHECK_INT_GE(ms, 50);

  /* A negative time counts as 0. */
  CHECK_INT_EQ(weft_run(weft_sleep_ms(-5), &ms), 0);
  CHECK_INT_GE(ms, 0);
  CHECK_INT_EQ(weft_run(weft_sleep(-1), &secs), 0);
  CHECK_INT_GE(secs, 0);

  /* Concurrent sleeps started together each wake no earlier than their own
   * deadline; the shortest wakes before the longest (75 ms apart: any
   * closer pair may start far enough apart on a loaded machine to swap). */
  struct timing t = {.requested_ms = {5, 20, 40, 80}};
  struct sleeper s[4] = {{&t, 0}, {&t, 1}, {&t, 2}, {&t, 3}};
  t.start_us = test_now_us();
  CHECK_INT_EQ(weft_run(weft_join(weft_join(weft_bind(weft_sleep_ms(80), woke, &s[3]), weft_bind(weft_sleep_ms(20), woke, &s[1])),
                                  weft_join(weft_bind(weft_sleep_ms(5), woke, &s[0]), weft_bind(weft_sleep_ms(40), woke, &s[2]))),
                        NULL),
               0);
  CHECK_INT_EQ(t.n, 4);
  for (int k = 0; k < 4; k++) {
    CHECK_INT_GE(t.woke_us[k] - t.start_us, t.requested_ms[k] * 1000);
    CHECK_INT_GE(t.reported[k], t.requested_ms[k]);
  }
  int pos_5 = -1, pos_80 = -1; /* where the 5 ms and the 80 ms sleeps are in the waking order */
  for (int i = 0; i < 4; i++) {
    if (t.order[i] == 0) pos_5 = i;
    if (t.order[i] == 3) pos_80 = i;
  }
  CHECK_INT_LT(pos_5, pos_80);
  return 0;
}
