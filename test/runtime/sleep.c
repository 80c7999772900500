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
  int n;
};

static async(void) woke(struct timing *t, long slept) {
  /* Which sleep this is follows from the order they must wake in. */
  int k = t->n++;
  t->woke_us[k] = test_now_us();
  t->reported[k] = slept;
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

  /* Concurrent sleeps started together wake in deadline order, each no
   * earlier than its own deadline. */
  struct timing t = {.requested_ms = {5, 20, 40, 80}};
  t.start_us = test_now_us();
  CHECK_INT_EQ(weft_run(weft_join(weft_join(weft_bind(weft_sleep_ms(80), woke, &t), weft_bind(weft_sleep_ms(20), woke, &t)),
                                  weft_join(weft_bind(weft_sleep_ms(5), woke, &t), weft_bind(weft_sleep_ms(40), woke, &t))),
                        NULL),
               0);
  CHECK_INT_EQ(t.n, 4);
  for (int k = 0; k < 4; k++) {
    CHECK_INT_GE(t.woke_us[k] - t.start_us, t.requested_ms[k] * 1000);
    CHECK_INT_GE(t.reported[k], t.requested_ms[k]);
  }
  return 0;
}
