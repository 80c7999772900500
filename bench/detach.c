/* detach: weft_detach round trip (submit a trivial function, await its result) in ns, median of several runs (a benchmark, not a test).
 * Run by bench/detach.sh beside bench/detach_uv.c (libuv's uv_queue_work); ctest runs it once, small, as bench.smoke.detach.
 * Usage: detach [round-trips per run] [runs] [in flight]   (defaults 20000, 7, 1) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <weft.h>

struct run {
  long n, started, done;
};

static void *trivial(void *arg) {
  return arg;
}

static async(void) chain(struct run *r);

static async(void) completed(struct run *r, void *v) {
  if (v != (void *)r) abort();
  r->done++;
  return chain(r);
}

/* One chain of round trips: each waits for the last before it starts. */
static async(void) chain(struct run *r) {
  if (r->started == r->n) return weft_return(void);
  r->started++;
  return weft_bind(weft_detach(trivial, r), completed, r);
}

static async(void) make_chain(struct run *r, size_t i) {
  (void)i;
  return chain(r);
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000;
  int runs = argc > 2 ? atoi(argv[2]) : 7;
  long flight = argc > 3 ? atol(argv[3]) : 1;
  if (n <= 0 || runs <= 0 || runs > 101 || flight <= 0) {
    fprintf(stderr, "usage: detach [round-trips per run > 0] [runs 1..101] [in flight > 0]\n");
    return 2;
  }
  double per[101];
  for (int i = 0; i < runs; i++) {
    struct run r = {.n = n};
    double t0 = now_ns();
    if (weft_run(weft_join_n((size_t)flight, make_chain, &r), NULL) != 0 || r.done != n) {
      fprintf(stderr, "detach: the run failed\n");
      return 1;
    }
    per[i] = (now_ns() - t0) / (double)n;
  }
  qsort(per, (size_t)runs, sizeof per[0], cmp);
  printf("weft_detach: %ld round trips x %d runs, %ld in flight, pool of %zu: median %.0f ns per round trip\n", n, runs,
         flight, weft_pool_size(), per[runs / 2]);
  printf("median_ns %.0f\n", per[runs / 2]);
  return 0;
}
