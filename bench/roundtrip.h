/* roundtrip.h: the clock, the arguments and the median shared by bench/detach.c and its libuv peer bench/detach_uv.c,
 * so that both measure and report the same way (ctest bench.smoke.detach and bench.smoke.detach_uv run them). */
#ifndef WEFT_BENCH_ROUNDTRIP_H
#define WEFT_BENCH_ROUNDTRIP_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "args.h"

#define ROUNDTRIP_MAX_RUNS 101

struct roundtrip_args {
  long n;      /* round trips per run */
  int runs;    /* runs; the median is reported */
  long flight; /* round trips in flight at once */
};

/* argv: [round-trips per run] [runs] [in flight], defaults 20000, 7, 1; 0, or 2 after a usage line on stderr. */
static inline int roundtrip_parse(int argc, char **argv, const char *name, struct roundtrip_args *a) {
  a->n = argc > 1 ? bench_number(argv[1], 1, BENCH_COUNT_MAX) : 20000;
  a->runs = argc > 2 ? (int)bench_number(argv[2], 1, ROUNDTRIP_MAX_RUNS) : 7;
  a->flight = argc > 3 ? bench_number(argv[3], 1, BENCH_COUNT_MAX) : 1;
  if (argc > 4 || a->n <= 0 || a->runs <= 0 || a->runs > ROUNDTRIP_MAX_RUNS || a->flight <= 0) {
    fprintf(stderr, "usage: %s [round-trips per run > 0] [runs 1..%d] [in flight > 0]\n", name, ROUNDTRIP_MAX_RUNS);
    return 2;
  }
  return 0;
}

static inline double roundtrip_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int roundtrip_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median of per[0..runs) (sorted in place). */
static inline double roundtrip_median(double *per, int runs) {
  qsort(per, (size_t)runs, sizeof per[0], roundtrip_cmp);
  return per[runs / 2];
}

#endif
