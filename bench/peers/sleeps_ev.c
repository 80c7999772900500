/* sleeps_ev.c: the timer benchmarks on libev (same work and output as bench/sleeps.c): "run F K", F ev_timer
 * watchers each re-armed K times for 1 ms, CPU ns per sleep; "pending N", N watchers in a long sleep, bytes each.
 * Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). */
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rss.h"

struct sleeper {
  ev_timer w;
  long left;
};

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
  (void)revents;
  struct sleeper *s = (struct sleeper *)w;
  if (--s->left == 0)
    return;
  ev_timer_set(w, 0.001, 0.);
  ev_timer_start(loop, w);
}

static void on_forever(struct ev_loop *loop, ev_timer *w, int revents)
{
  (void)loop;
  (void)w;
  (void)revents;
}

int main(int argc, char **argv)
{
  struct ev_loop *loop = ev_default_loop(EVBACKEND_EPOLL);
  if (argc == 4 && strcmp(argv[1], "run") == 0) {
    long fibers = atol(argv[2]), each = atol(argv[3]);
    struct sleeper *s = calloc((size_t)fibers, sizeof *s);
    if (fibers <= 0 || each <= 0 || !s)
      return 2;
    double cpu0 = cpu_seconds();
    for (long i = 0; i < fibers; i++) {
      s[i].left = each;
      ev_timer_init(&s[i].w, on_timer, 0.001, 0.);
      ev_timer_start(loop, &s[i].w);
    }
    ev_run(loop, 0);
    double cpu = cpu_seconds() - cpu0;
    free(s);
    printf("%.1f\n", cpu * 1e9 / (double)(fibers * each));
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "pending") == 0) {
    long n = atol(argv[2]);
    long before = rss_bytes();
    for (long i = 0; i < n; i++) {
      ev_timer *w = malloc(sizeof *w); /* one handle per sleep, as a program sleeping in many places has */
      if (!w)
        return 1;
      ev_timer_init(w, on_forever, 3600., 0.);
      ev_timer_start(loop, w);
    }
    ev_run(loop, EVRUN_NOWAIT);
    printf("%.1f\n", (double)(rss_bytes() - before) / (double)n);
    return 0;
  }
  fprintf(stderr, "usage: sleeps_ev run FIBERS SLEEPS | pending N\n");
  return 2;
}
