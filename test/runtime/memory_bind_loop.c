/* memory_bind_loop.c: a 10^7-iteration loop of binds (most resolving at once, some waiting on a timer) runs in constant
 * memory.  Proves: the resident set grows by at most 1 MiB between 10% and 100% of the run, so nothing is kept per step. */
#include <weft.h>

#include "check.h"
#include "support.h"

#define ITERATIONS 10000000L
#define MAX_GROWTH (1L << 20)

struct loop {
  long done;
  long rss_at_10pc;
  long rss_at_end;
  long timer_waits;
};

static async(long) after_timer(struct loop *s, long slept) {
  s->timer_waits++;
  return weft_return(long, slept);
}

/* Every 2^16th step waits on a real timer, so the loop also passes through
 * epoll_wait and back, not only through the run queue. */
static async(long) next(struct loop *s) {
  if ((s->done & 0xffff) == 0) return weft_bind(weft_sleep_ms(0), after_timer, s);
  return weft_return(long, s->done);
}

static async(long) count(struct loop *s, long v) {
  (void)v;
  s->done++;
  return weft_return(long, s->done);
}

static async(long) step(struct loop *s, long v) {
  (void)v;
  if (s->done == ITERATIONS / 10) s->rss_at_10pc = test_rss_bytes();
  if (s->done == ITERATIONS) {
    s->rss_at_end = test_rss_bytes();
    return weft_return(long, s->done);
  }
  /* Two binds per iteration: next >>= count >>= step. */
  return weft_bind(weft_bind(next(s), count, s), step, s);
}

int main(void) {
  struct loop s = {0};
  long result = 0;
  CHECK_INT_EQ(weft_run(weft_bind(weft_return(long, 0), step, &s), &result), 0);
  CHECK_INT_EQ(result, ITERATIONS);
  CHECK_INT_GT(s.timer_waits, 10);
  CHECK_RSS_FLAT(s.rss_at_10pc, s.rss_at_end, MAX_GROWTH);
  return 0;
}
