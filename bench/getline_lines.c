/* getline_lines: counts the lines of stdin with getline(3) on the blocking stdio stream, in lines per second: the
 * practical limit read_line.c is measured against (a benchmark, not a test).  Run by bench/read_line.sh.
 * Usage: getline_lines < input */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(clockid_t clock)
{
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
  char *line = NULL;
  size_t cap = 0, bytes = 0;
  long lines = 0;
  ssize_t n;
  double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  while ((n = getline(&line, &cap, stdin)) >= 0) {
    lines++;
    bytes += (size_t)n - (n > 0 && line[n - 1] == '\n'); /* the same count as the others: without the newline */
  }
  double t1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
  free(line);
  printf("getline %ld lines %zu bytes %.3f s %.0f lines/s %.3f cpu-s %.0f lines/cpu-s\n", lines, bytes, t1 - t0,
         lines / (t1 - t0), c1 - c0, lines / (c1 - c0));
  return 0;
}
