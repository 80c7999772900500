/* pool_ticker.c: the loop keeps time while the worker pool runs slow blocking work (4 sleeping and 2 computing jobs of 200 ms).
 * Proves, by counting, not by a wall-clock bound: a 10 ms ticker on the loop ticks while each job blocks its worker (every
 * job sees at least 3 ticks happen during its own run); prints the ticker's lateness with and without the pool's work. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <weft.h>

#include "check.h"
#include "support.h"

enum { PERIOD_MS = 10, BASELINE_TICKS = 30, SLEEPERS = 4, SPINNERS = 2, JOB_MS = 200, MIN_SEEN = 3 };
enum { JOB_LIMIT_MS = 10000 }; /* a job gives up waiting for ticks after this: the loop is stuck */

static atomic_long ticks;

struct ticker {
  long *late_us; /* lateness of each tick: how much longer than PERIOD_MS it slept */
  size_t n, cap;
  bool stop;     /* set when the work is done */
  long long last_us;
};

static async(void) tick(struct ticker *t, long slept_ms);

static async(void) next_tick(struct ticker *t) {
  if (t->stop) return weft_return(void);
  t->last_us = test_now_us();
  return weft_bind(weft_sleep_ms(PERIOD_MS), tick, t);
}

static async(void) tick(struct ticker *t, long slept_ms) {
  (void)slept_ms;
  CHECK_TRUE(t->n < t->cap);
  t->late_us[t->n++] = (long)(test_now_us() - t->last_us) - PERIOD_MS * 1000;
  atomic_fetch_add(&ticks, 1);
  return next_tick(t);
}

/* ---- the jobs --------------------------------------------------------- */

struct job {
  bool spin;      /* compute instead of sleeping */
  long seen;      /* ticks that happened while the job ran */
};

/* Blocks (sleeps, or computes) for JOB_MS, then goes on blocking until it
 * has seen MIN_SEEN ticks happen since it began, or JOB_LIMIT_MS passed.
 * With a loop that blocked on the job, no tick could happen meanwhile. */
static void *block(void *arg) {
  struct job *j = arg;
  long first = atomic_load(&ticks);
  long long start = test_now_ms();
  volatile unsigned long sink = 0;
  for (;;) {
    long long now = test_now_ms();
    if (now - start >= JOB_MS && atomic_load(&ticks) - first >= MIN_SEEN) break;
    if (now - start >= JOB_LIMIT_MS) break;
    if (j->spin) {
      for (int i = 0; i < 100000; i++) sink += (unsigned long)i * 2654435761u;
    } else {
      usleep(JOB_MS * 1000 / 20);
    }
  }
  (void)sink;
  j->seen = atomic_load(&ticks) - first;
  return NULL;
}

static struct job jobs[SLEEPERS + SPINNERS];

static async(ptr) make_job(void *env, size_t i) {
  (void)env;
  jobs[i].spin = i >= SLEEPERS;
  return weft_detach(block, &jobs[i]);
}

static async(void) stop(struct ticker *t) {
  t->stop = true;
  return weft_return(void);
}

static async(void) run_jobs(struct ticker *t) {
  static void *results[SLEEPERS + SPINNERS];
  return weft_then(weft_all(SLEEPERS + SPINNERS, make_job, NULL, results), stop, t);
}

static async(void) baseline_count(struct ticker *t, long slept) {
  (void)slept;
  t->stop = true;
  return weft_return(void);
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

static void report(const char *what, struct ticker *t) {
  CHECK_UINT_GE(t->n, 1);
  qsort(t->late_us, t->n, sizeof *t->late_us, cmp_long);
  printf("pool_ticker: %-34s %3zu ticks, lateness median %5ld us, p90 %6ld us, max %6ld us\n", what, t->n,
         t->late_us[t->n / 2], t->late_us[t->n * 9 / 10], t->late_us[t->n - 1]);
}

int main(void) {
  long storage[2][4096];
  CHECK_INT_EQ(weft_pool_set_size(SLEEPERS + SPINNERS), 0);

  /* The ticker alone, for comparison. */
  struct ticker alone = {.late_us = storage[0], .cap = 4096};
  async(void) window = weft_bind(weft_sleep_ms(BASELINE_TICKS * PERIOD_MS), baseline_count, &alone);
  CHECK_INT_EQ(weft_run(weft_join(next_tick(&alone), window), NULL), 0);

  /* The ticker while the pool runs the jobs. */
  struct ticker loaded = {.late_us = storage[1], .cap = 4096};
  atomic_store(&ticks, 0);
  CHECK_INT_EQ(weft_run(weft_join(next_tick(&loaded), weft_then(weft_return(void), run_jobs, &loaded)), NULL), 0);

  report("alone:", &alone);
  report("while 6 jobs block the pool:", &loaded);
  for (int i = 0; i < SLEEPERS + SPINNERS; i++) {
    printf("pool_ticker: job %d (%s) saw %ld ticks while it ran\n", i, jobs[i].spin ? "computing" : "sleeping",
           jobs[i].seen);
    CHECK_INT_GE(jobs[i].seen, MIN_SEEN);
  }
  puts("pool_ticker: ok");
  return 0;
}
