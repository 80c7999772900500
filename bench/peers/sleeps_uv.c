/* sleeps_uv.c: the timer benchmarks on libuv (same work and output as bench/sleeps.c): "run F K", F uv_timer_t
 * each restarted K times for 1 ms, CPU ns per sleep; "pending N", N timers in a long sleep, bytes each.
 * Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../rss.h"

struct sleeper {
  uv_timer_t t;
  long left;
};

static void on_timer(uv_timer_t *t)
{
  struct sleeper *s = (struct sleeper *)t;
  if (--s->left > 0)
    uv_timer_start(t, on_timer, 1, 0);
}

static void on_forever(uv_timer_t *t) { (void)t; }

int main(int argc, char **argv)
{
  uv_loop_t *loop = uv_default_loop();
  if (argc == 4 && strcmp(argv[1], "run") == 0) {
    long fibers = atol(argv[2]), each = atol(argv[3]);
    struct sleeper *s = calloc((size_t)fibers, sizeof *s);
    if (fibers <= 0 || each <= 0 || !s)
      return 2;
    double cpu0 = cpu_seconds();
    for (long i = 0; i < fibers; i++) {
      s[i].left = each;
      uv_timer_init(loop, &s[i].t);
      uv_timer_start(&s[i].t, on_timer, 1, 0);
    }
    uv_run(loop, UV_RUN_DEFAULT);
    double cpu = cpu_seconds() - cpu0;
    printf("%.1f\n", cpu * 1e9 / (double)(fibers * each));
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "pending") == 0) {
    long n = atol(argv[2]);
    long before = rss_bytes();
    for (long i = 0; i < n; i++) {
      uv_timer_t *t = malloc(sizeof *t); /* one handle per sleep, as a program sleeping in many places has */
      if (!t)
        return 1;
      uv_timer_init(loop, t);
      uv_timer_start(t, on_forever, 3600 * 1000, 0);
    }
    uv_run(loop, UV_RUN_NOWAIT);
    printf("%.1f\n", (double)(rss_bytes() - before) / (double)n);
    return 0;
  }
  fprintf(stderr, "usage: sleeps_uv run FIBERS SLEEPS | pending N\n");
  return 2;
}
