/* read_line: counts the lines of stdin with weft_read_line, in lines per second (a benchmark, not a test).
 * Run by bench/read_line.sh beside getline_lines.c and lwt_read_line.ml; ctest runs it once, small, as bench.smoke.
 * Usage: read_line [capacity] < input   (capacity of the reader's buffer, default 4096 as Lwt_io's) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <weft.h>

struct run {
  weft_reader_t *r;
  long lines;
  size_t bytes;
};

static async(void) next(struct run *c);

static async(void) got(struct run *c, char *line)
{
  (void)line;
  c->lines++;
  c->bytes += weft_reader_last_len(c->r);
  return next(c);
}

static async(void) next(struct run *c)
{
  return weft_bind(weft_read_line(c->r, 1 << 20), got, c);
}

static async(void) at_end(struct run *c, int err)
{
  (void)c;
  return err == -EPIPE ? weft_return(void) : weft_fail(err);
}

static double now(clockid_t clock)
{
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
  struct run c = {.r = weft_reader_new(0, argc > 1 ? strtoul(argv[1], NULL, 10) : 0)};
  double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
  int rc = weft_run(weft_catch(next(&c), at_end, &c), NULL);
  double t1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
  weft_reader_free(c.r);
  if (rc != 0) {
    fprintf(stderr, "read_line: %d\n", rc);
    return 1;
  }
  /* Wall time depends on the writer and on the machine's load; the
   * process's CPU time is the reader's own cost. */
  printf("weft_read_line %ld lines %zu bytes %.3f s %.0f lines/s %.3f cpu-s %.0f lines/cpu-s\n", c.lines, c.bytes,
         t1 - t0, c.lines / (t1 - t0), c1 - c0, c.lines / (c1 - c0));
  return 0;
}
