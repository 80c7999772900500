/* detach: weft_detach round trip (submit a trivial function, await its result) in ns, median of several runs (a benchmark, not a test).
 * Run by bench/detach.sh beside bench/detach_uv.c (libuv's uv_queue_work); ctest runs it once, small, as bench.smoke.detach.
 * Usage: detach [round-trips per run] [runs] [in flight]   (defaults 20000, 7, 1) */
#include <stdio.h>
#include <stdlib.h>
#include "roundtrip.h"
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

int main(int argc, char **argv) {
  struct roundtrip_args a;
  if (roundtrip_parse(argc, argv, "detach", &a) != 0) return 2;
  long n = a.n, flight = a.flight;
  int runs = a.runs;
  double per[ROUNDTRIP_MAX_RUNS];
  for (int i = 0; i < runs; i++) {
    struct run r = {.n = n};
    double t0 = roundtrip_now_ns();
    if (weft_run(weft_join_n((size_t)flight, make_chain, &r), NULL) != 0 || r.done != n) {
      fprintf(stderr, "detach: the run failed\n");
      return 1;
    }
    per[i] = (roundtrip_now_ns() - t0) / (double)n;
  }
  double median = roundtrip_median(per, runs);
  printf("weft_detach: %ld round trips x %d runs, %ld in flight, pool of %zu: median %.0f ns per round trip\n", n, runs,
         flight, weft_pool_size(), median);
  printf("median_ns %.0f\n", median);
  return 0;
}
