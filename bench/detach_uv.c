/* detach_uv: libuv's uv_queue_work round trip (a trivial work_cb, its after_work_cb), the peer of bench/detach.c (not a test).
 * Run by bench/detach.sh; same arguments and output as detach.  Usage: detach_uv [round-trips per run] [runs] [in flight] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
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

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000;
  int runs = argc > 2 ? atoi(argv[2]) : 7;
  long flight = argc > 3 ? atol(argv[3]) : 1;
  if (n <= 0 || runs <= 0 || runs > 101 || flight <= 0) {
    fprintf(stderr, "usage: detach_uv [round-trips per run > 0] [runs 1..101] [in flight > 0]\n");
    return 2;
  }
  double per[101];
  struct req *reqs = calloc((size_t)flight, sizeof *reqs);
  if (reqs == NULL) return 1;
  for (int i = 0; i < runs; i++) {
    uv_loop_t loop;
    struct run r = {.n = n};
    uv_loop_init(&loop);
    double t0 = now_ns();
    for (long k = 0; k < flight; k++) {
      reqs[k].r = &r;
      start(&loop, &reqs[k]);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    per[i] = (now_ns() - t0) / (double)n;
    uv_loop_close(&loop);
    if (r.done != n) return 1;
  }
  free(reqs);
  qsort(per, (size_t)runs, sizeof per[0], cmp);
  printf("uv_queue_work: %ld round trips x %d runs, %ld in flight: median %.0f ns per round trip\n", n, runs, flight,
         per[runs / 2]);
  printf("median_ns %.0f\n", per[runs / 2]);
  return 0;
}
