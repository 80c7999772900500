/* detach_uv: libuv's uv_queue_work round trip (a trivial work_cb, its after_work_cb), the peer of bench/detach.c (not a test).
 * Run by bench/detach.sh; same arguments and output as detach.  Usage: detach_uv [round-trips per run] [runs] [in flight] */
#include <stdio.h>
#include <stdlib.h>
#include "roundtrip.h"
#include <uv.h>

struct run {
  long n, started, done;
};

struct req {
  uv_work_t work;
  struct run *r;
  void *result;
};

static void trivial(uv_work_t *w) {
  struct req *q = w->data;
  q->result = q->r;
}

static void after(uv_work_t *w, int status);

/* Each chain resubmits its request when the last round trip is back. */
static void start(uv_loop_t *loop, struct req *q) {
  if (q->r->started == q->r->n) return;
  q->r->started++;
  q->work.data = q;
  if (uv_queue_work(loop, &q->work, trivial, after) != 0) abort();
}

static void after(uv_work_t *w, int status) {
  struct req *q = w->data;
  if (status != 0 || q->result != q->r) abort();
  q->r->done++;
  start(w->loop, q);
}

int main(int argc, char **argv) {
  struct roundtrip_args a;
  if (roundtrip_parse(argc, argv, "detach_uv", &a) != 0) return 2;
  long n = a.n, flight = a.flight;
  int runs = a.runs;
  double per[ROUNDTRIP_MAX_RUNS];
  struct req *reqs = calloc((size_t)flight, sizeof *reqs);
  if (reqs == NULL) return 1;
  for (int i = 0; i < runs; i++) {
    uv_loop_t loop;
    struct run r = {.n = n};
    uv_loop_init(&loop);
    double t0 = roundtrip_now_ns();
    for (long k = 0; k < flight; k++) {
      reqs[k].r = &r;
      start(&loop, &reqs[k]);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    per[i] = (roundtrip_now_ns() - t0) / (double)n;
    uv_loop_close(&loop);
    if (r.done != n) return 1;
  }
  free(reqs);
  double median = roundtrip_median(per, runs);
  printf("uv_queue_work: %ld round trips x %d runs, %ld in flight: median %.0f ns per round trip\n", n, runs, flight,
         median);
  printf("median_ns %.0f\n", median);
  return 0;
}
