/* chan_handoff: fiber-to-fiber handoff through a channel and an mvar, in ns per message (a benchmark, not a test).
 * Run by scripts/bench.sh beside bench/lwt_handoff.ml; ctest runs it once, small, as bench.smoke.
 * Usage: chan_handoff [messages]   (default 10^6) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <weft.h>

struct run {
  weft_chan_t *ch;
  weft_mvar_t *mv;
  long n, sent, got;
  long sum;
};

static async(void) produce(struct run *r);
static async(void) sent(struct run *r)
{
  r->sent++;
  return produce(r);
}
static async(void) produce(struct run *r)
{
  if (r->sent == r->n)
    return weft_return(void);
  return weft_then(r->ch ? weft_chan_send(r->ch, r->sent) : weft_mvar_put(r->mv, r->sent), sent, r);
}

static async(void) consume(struct run *r);
static async(void) received(struct run *r, long v)
{
  r->sum += v;
  r->got++;
  return consume(r);
}
static async(void) consume(struct run *r)
{
  if (r->got == r->n)
    return weft_return(void);
  async(long) next = r->ch ? weft_chan_recv(long, r->ch) : weft_mvar_take(long, r->mv);
  return weft_bind(next, received, r);
}

static async(void) handoff(struct run *r)
{
  weft_spawn(produce(r));
  return consume(r);
}

static double now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One line per case: "<case> <ns per message>", the format scripts/bench.sh reads. */
static int measure(const char *name, long n, size_t capacity, int use_mvar)
{
  struct run r = {.n = n};
  if (use_mvar)
    r.mv = weft_mvar_new();
  else
    r.ch = weft_chan_new(capacity);
  double t0 = now_ns();
  int rc = weft_run(handoff(&r), NULL);
  double t1 = now_ns();
  weft_chan_free(r.ch);
  weft_mvar_free(r.mv);
  if (rc < 0 || r.sum != n * (n - 1) / 2) {
    fprintf(stderr, "chan_handoff: %s: rc %d, sum %ld\n", name, rc, r.sum);
    return 1;
  }
  printf("%-16s %8.1f ns/message\n", name, (t1 - t0) / (double)n);
  return 0;
}

int main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  if (n <= 0) {
    fprintf(stderr, "usage: chan_handoff [messages]\n");
    return 2;
  }
  printf("# %ld messages, one producer fiber, one consumer fiber\n", n);
  int bad = measure("weft_mvar", n, 1, 1);
  bad |= measure("weft_chan(1)", n, 1, 0);
  bad |= measure("weft_chan(64)", n, 64, 0);
  return bad;
}
