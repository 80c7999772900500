/* ticker.c: weft_ticker_new, weft_tick and weft_ticker_free on the real monotonic clock.
 * Proves: 200 ticks of 5 ms never early and without drift (the lower envelope of lateness does not grow), missed ticks skipped and counted, a cancelled tick consumes none. */
#include <weft.h>

#include "check.h"
#include "support.h"

#define TICKS 200
#define PERIOD_MS 5

struct ctx {
  weft_ticker_t *t;
  long long start_us; /* read just before weft_ticker_new: the ticker's own start is no earlier */
  long k;             /* ticks due so far, by the counts weft_tick produced */
  int calls;
  long long late_us[TICKS];
  long counts_above_one;
};

static async(void) tick_loop(struct ctx *c);

static async(void) ticked(struct ctx *c, long count) {
  long long now = test_now_us();
  CHECK_INT_GE(count, 1);
  c->k += count;
  if (count > 1) c->counts_above_one++;
  /* Never early: tick k is due at start + k * period. */
  c->late_us[c->calls] = now - (c->start_us + (long long)c->k * PERIOD_MS * 1000);
  CHECK_INT_GE(c->late_us[c->calls], 0);
  c->calls++;
  return c->calls < TICKS ? tick_loop(c) : weft_return(void);
}

static async(void) tick_loop(struct ctx *c) {
  return weft_bind(weft_tick(c->t), ticked, c);
}

static long long min_of(const long long *v, int n) {
  long long m = v[0];
  for (int i = 1; i < n; i++)
    if (v[i] < m) m = v[i];
  return m;
}

static double mean_of(const long long *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += (double)v[i];
  return s / n;
}

static void no_drift(void) {
  struct ctx c = {0};
  c.start_us = test_now_us();
  c.t = weft_ticker_new(PERIOD_MS);
  CHECK_TRUE(c.t != NULL);
  CHECK_INT_EQ(weft_run(tick_loop(&c), NULL), 0);
  weft_ticker_free(c.t);

  /* Least-squares slope of lateness over the call index, in us per tick. */
  double mx = (TICKS - 1) / 2.0, my = mean_of(c.late_us, TICKS), sxy = 0, sxx = 0;
  for (int i = 0; i < TICKS; i++) {
    sxy += (i - mx) * ((double)c.late_us[i] - my);
    sxx += (i - mx) * (i - mx);
  }
  long long min1 = min_of(c.late_us, TICKS / 2), min2 = min_of(c.late_us + TICKS / 2, TICKS / 2);
  printf("ticker: %d ticks of %d ms, %ld due (%ld calls saw missed ticks); lateness us: "
         "first half mean %.0f min %lld, second half mean %.0f min %lld; slope %.2f us/tick\n",
         TICKS, PERIOD_MS, c.k, c.counts_above_one, mean_of(c.late_us, TICKS / 2), min1,
         mean_of(c.late_us + TICKS / 2, TICKS / 2), min2, sxy / sxx);
  CHECK_INT_GE(c.k, TICKS);
  /* No drift: a ticker that waits a period after each tick (rather than
   * until an absolute deadline) adds its overhead at every tick, and the
   * earliest tick of the second half lands far later than the earliest of
   * the first.  Load delays single ticks, not the best one of a hundred,
   * and a late consumer's missed ticks are skipped, which keeps lateness
   * under a period when it is measured against the tick delivered. */
  CHECK_INT_LE(min2, min1 + PERIOD_MS * 1000);
}

/* A consumer that comes late gets the missed ticks counted in one. */
struct late {
  weft_ticker_t *t;
  long long start_us;
  long first, second;
};

static async(void) second_tick(struct late *l, long count) {
  l->second = count;
  CHECK_INT_GE(test_now_us(), l->start_us + (l->first + count) * PERIOD_MS * 1000LL);
  return weft_return(void);
}

static async(void) first_tick(struct late *l, long count) {
  l->first = count;
  return weft_bind(weft_tick(l->t), second_tick, l);
}

static async(void) tick_after_sleep(struct late *l, long slept) {
  (void)slept;
  return weft_bind(weft_tick(l->t), first_tick, l);
}

static void missed_ticks(void) {
  struct late l = {0};
  l.start_us = test_now_us();
  l.t = weft_ticker_new(PERIOD_MS);
  CHECK_TRUE(l.t != NULL);
  /* Three and a half periods pass before the first weft_tick. */
  CHECK_INT_EQ(weft_run(weft_bind(weft_sleep_ms(3 * PERIOD_MS + PERIOD_MS / 2), tick_after_sleep, &l), NULL), 0);
  printf("ticker: after %d ms asleep the first tick counted %ld, the next %ld\n",
         3 * PERIOD_MS + PERIOD_MS / 2, l.first, l.second);
  CHECK_INT_GE(l.first, 3);
  CHECK_INT_GE(l.second, 1);
  weft_ticker_free(l.t);
}

/* A tick cancelled by weft_timeout consumes none: the next weft_tick gets
 * the tick that was due. */
static void cancelled(void) {
  weft_ticker_t *t = weft_ticker_new(50);
  CHECK_TRUE(t != NULL);
  long count = 0;
  CHECK_INT_EQ(weft_run(weft_timeout(weft_tick(t), 1), NULL), -ETIMEDOUT);
  CHECK_INT_EQ(weft_run(weft_tick(t), &count), 0);
  CHECK_INT_EQ(count, 1);
  weft_ticker_free(t);
}

/* Two fibers on one ticker: each tick goes to one of them, in turn. */
struct pair {
  weft_ticker_t *t;
  long ticks[2];
  int turns[2];
  int order[10];
  int norder;
};

struct waiter {
  struct pair *p;
  int id;
};

static async(void) take_turns(struct waiter *w);

static async(void) took(struct waiter *w, long count) {
  w->p->ticks[w->id] += count;
  w->p->order[w->p->norder++] = w->id;
  return ++w->p->turns[w->id] < 5 ? take_turns(w) : weft_return(void);
}

static async(void) take_turns(struct waiter *w) {
  return weft_bind(weft_tick(w->p->t), took, w);
}

static void two_waiters(void) {
  struct pair p = {0};
  struct waiter a = {&p, 0}, b = {&p, 1};
  long long start = test_now_us();
  p.t = weft_ticker_new(20);
  CHECK_TRUE(p.t != NULL);
  CHECK_INT_EQ(weft_run(weft_join(take_turns(&a), take_turns(&b)), NULL), 0);
  /* Ten ticks or more fell due, none delivered twice: the last one is due
   * no later than now. */
  CHECK_INT_GE(p.ticks[0] + p.ticks[1], 10);
  CHECK_INT_GE(test_now_us(), start + (p.ticks[0] + p.ticks[1]) * 20000LL);
  CHECK_INT_EQ(p.norder, 10);
  CHECK_INT_EQ(p.order[0], 0); /* the first in line got the first tick */
  weft_ticker_free(p.t);
}

int main(void) {
  CHECK_TRUE(weft_ticker_new(0) == NULL);
  CHECK_TRUE(weft_ticker_new(-5) == NULL);
  weft_ticker_free(NULL);
  no_drift();
  missed_ticks();
  cancelled();
  two_waiters();
  return 0;
}
