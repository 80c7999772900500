/* rss.h: resident memory and CPU time of this process, for the benchmark programs of bench/ (weft's and the C
 * peers').  Not a test; bench/run.py runs the programs. */
#ifndef WEFT_BENCH_RSS_H
#define WEFT_BENCH_RSS_H

#include <sys/resource.h>

/* The peak resident set size in bytes (getrusage's ru_maxrss, KiB).  The
 * programs measure growth that is never freed, so the peak is the current
 * size; and getrusage, unlike reading /proc/self/statm with stdio, is not a
 * blocking call in the checker's eyes (bench/sleeps.c calls it from async
 * code). */
static inline long rss_bytes(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss * 1024L;
}

/* User plus system CPU time of this process, in seconds. */
static inline double cpu_seconds(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
         (double)ru.ru_stime.tv_usec / 1e6;
}

#endif
