/* timer_order.c: timers with equal or ordered deadlines fire in deadline order, ties in the order they were set.
 * Proves: the timer heap of (deadline, seq, fiber) values (timer.c) keeps FIFO order among equal sleeps started in one
 * turn, across removals from its middle (cancelled sleeps), and wakes shorter sleeps before longer ones. */
#include <weft.h>

#include "check.h"

#define SLEEPERS 300
#define SHORT_MS 10
#define LONG_MS 500 /* far enough apart that the order cannot depend on how fast 300 fibers start */

struct order {
  int woke[SLEEPERS];
  int n;
  weft_task_t *cancel[SLEEPERS];
};

struct sleeper {
  struct order *o;
  int id;
};

static struct sleeper sleepers[SLEEPERS];

static async(void) woke(struct sleeper *s, long slept) {
  (void)slept;
  s->o->woke[s->o->n++] = s->id;
  return weft_return(void);
}

static async(void) after(struct order *o, long slept) {
  (void)o;
  (void)slept;
  return weft_return(void);
}

/* Sleeper i sleeps LONG_MS if i is even, SHORT_MS if odd. */
static void start(struct order *o) {
  for (int i = 0; i < SLEEPERS; i++) {
    sleepers[i] = (struct sleeper){o, i};
    weft_task_t *t = weft_spawn_task(weft_bind(weft_sleep_ms(i % 2 ? SHORT_MS : LONG_MS), woke, &sleepers[i]));
    if (i % 3 == 0) o->cancel[i] = t;
    else weft_task_detach(t);
  }
}

/* Once every sleeper is in the heap, every third leaves it from wherever it is. */
static async(void) cancel_some(struct order *o) {
  for (int i = 0; i < SLEEPERS; i += 3) {
    weft_task_cancel(o->cancel[i]);
    weft_task_detach(o->cancel[i]);
  }
  return weft_bind(weft_sleep_ms(LONG_MS + 1000), after, o);
}

/* The root lets the sleepers start (weft_yield runs every other ready
 * fiber once), cancels some, and outlives the rest by a whole second. */
static async(void) all(struct order *o) {
  start(o);
  return weft_then(weft_yield(), cancel_some, o);
}

int main(void) {
  static struct order o;
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), all, &o), NULL), 0);
  /* The short sleepers first, then the long ones, each group in the order
   * it was started; the cancelled ones (every third) never. */
  int expect[SLEEPERS], n = 0;
  for (int pass = 1; pass >= 0; pass--)
    for (int i = 0; i < SLEEPERS; i++)
      if (i % 2 == pass && i % 3 != 0) expect[n++] = i;
  CHECK_INT_EQ(o.n, n);
  for (int i = 0; i < n; i++) CHECK_INT_EQ(o.woke[i], expect[i]);
  return 0;
}
