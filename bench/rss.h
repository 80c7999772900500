/* rss.h: resident memory and CPU time of this process, for the benchmark programs of bench/ (weft's and the C
 * peers'), which bench/run.py builds and runs (so ctest bench-quick covers it). */
#ifndef WEFT_BENCH_RSS_H
#define WEFT_BENCH_RSS_H

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

/* Reading /proc never waits, so a program of weft's that measures from
 * async code (bench/sleeps.c) vouches for it to the checker, which would
 * otherwise take fscanf for a blocking call. */
#ifdef WEFT_H
#define WEFT_BENCH_NEVER_WAITS weft_boundary
#else
#define WEFT_BENCH_NEVER_WAITS
#endif

/* The resident set size in bytes, from /proc/self/statm (in pages).  Not
 * getrusage's ru_maxrss: that peak survives exec, so a child of a large
 * process (the Python driver) starts with the parent's. */
static inline WEFT_BENCH_NEVER_WAITS long rss_bytes(void)
{
  long size = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
      resident = 0;
    fclose(f);
  }
  return resident * sysconf(_SC_PAGESIZE);
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
