/* args.h: the benchmark programs' numeric arguments, parsed strictly, so that a typo gets the usage line.
 * Covered by bench/test_cli.py (ctest bench.cli): bad counts, sizes and ports of each program exit 2 with a usage line. */
#ifndef WEFT_BENCH_ARGS_H
#define WEFT_BENCH_ARGS_H
#include <errno.h>
#include <stdlib.h>

/* s as a whole decimal number from lo to hi, or -1: atol took "12abc" for 12, "abc" for 0 (a silent exit) and
 * 99999999999999999999 for LONG_MAX (a run that never ends). */
static inline long bench_number(const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || errno == ERANGE || v < lo || v > hi)
    return -1;
  return v;
}

/* Counts (round trips, fibers, sleeps, connections) are at most 10^9 each, so that products of two fit a long. */
#define BENCH_COUNT_MAX 1000000000L
#endif
