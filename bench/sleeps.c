/* sleeps.c: the timer benchmarks, weft's side.  "run F K": F fibers each sleeping 1 ms K times, printing the CPU
 * time (user + system) per sleep in ns.  "pending N": N fibers each in a long sleep, printing the resident memory
 * they add, in bytes per sleep.  Run by bench/run.py; peers: peers/sleeps_{ev,uv}.c, sleeps_lwt.ml, sleeps.js.
 * ctest bench.smoke.sleeps and bench.smoke.sleeps_pending run both modes once, small. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <weft.h>

#include "args.h"
#include "rss.h"

struct sleeper {
  long left;
};

static struct sleeper *sleepers;
static long sleeps_each;

/* let rec sleeper k = if k = 0 then return () else sleep_ms 1 >>= fun _ -> sleeper (k - 1) */
static async(void) sleeper(struct sleeper *s);
static async(void) slept(struct sleeper *s, long ms)
{
  (void)ms;
  s->left--;
  return sleeper(s);
}
static async(void) sleeper(struct sleeper *s)
{
  if (s->left == 0)
    return weft_return(void);
  return weft_bind(weft_sleep_ms(1), slept, s);
}
static async(void) make_sleeper(void *env, size_t i)
{
  (void)env;
  sleepers[i].left = sleeps_each;
  return sleeper(&sleepers[i]);
}

static async(void) forever(void *env, long ms)
{
  (void)env;
  (void)ms;
  return weft_return(void);
}

struct pending {
  long n, rss_before;
  double bytes_each;
};

/* The pending sleeps have all started once the spawning fiber has slept: measure, then end (weft_run cancels them). */
static async(void) measure(struct pending *p, long ms)
{
  (void)ms;
  p->bytes_each = (double)(rss_bytes() - p->rss_before) / (double)p->n;
  return weft_return(void);
}

static async(void) spawn_pending(struct pending *p)
{
  p->rss_before = rss_bytes();
  for (long i = 0; i < p->n; i++)
    weft_spawn(weft_bind(weft_sleep_ms(3600L * 1000), forever, NULL));
  return weft_bind(weft_sleep_ms(20), measure, p);
}

int main(int argc, char **argv)
{
  if (argc == 4 && strcmp(argv[1], "run") == 0) {
    long fibers = bench_number(argv[2], 1, BENCH_COUNT_MAX);
    sleeps_each = bench_number(argv[3], 1, BENCH_COUNT_MAX);
    if (fibers <= 0 || sleeps_each <= 0)
      goto usage;
    sleepers = calloc((size_t)fibers, sizeof *sleepers);
    if (!sleepers) {
      fprintf(stderr, "sleeps: no memory for %ld fibers\n", fibers);
      return 1;
    }
    double cpu0 = cpu_seconds();
    int rc = weft_run(weft_join_n((size_t)fibers, make_sleeper, NULL), NULL);
    double cpu = cpu_seconds() - cpu0;
    free(sleepers);
    if (rc != 0) {
      fprintf(stderr, "sleeps: %d\n", rc);
      return 1;
    }
    printf("%.1f\n", cpu * 1e9 / (double)(fibers * sleeps_each));
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "pending") == 0) {
    struct pending p = {.n = bench_number(argv[2], 1, BENCH_COUNT_MAX)};
    if (p.n <= 0)
      goto usage;
    int rc = weft_run(spawn_pending(&p), NULL);
    if (rc != 0) {
      fprintf(stderr, "sleeps: %d\n", rc);
      return 1;
    }
    printf("%.1f\n", p.bytes_each);
    return 0;
  }
usage:
  fprintf(stderr, "usage: bench_sleeps run FIBERS SLEEPS | pending N (each from 1 to %ld)\n", BENCH_COUNT_MAX);
  return 2;
}
