/* stack_sync_chain.c: 10^6 wake-ups in a chain through two mvars, and 10^6 more through a channel, at -O0 under
 * `ulimit -s 256`.  Proves: waking a fiber never runs it on the waker's stack, and a loop over waits is no recursion. */
#include <weft.h>

#include "check.h"

#define ROUNDS 500000L   /* two wake-ups each: 10^6 */
#define MESSAGES 1000000L

struct world {
  weft_mvar_t *ping, *pong;
  weft_chan_t *ch;
  long echoed;
  long sent;
  long sum;
};

/* The echo fiber: take a ping, put it back as a pong, forever. */
static async(void) echo(struct world *w);
static async(void) reply(struct world *w, long v) {
  w->echoed++;
  return weft_then(weft_mvar_put(w->pong, v + 1), echo, w);
}
static async(void) echo(struct world *w) { return weft_bind(weft_mvar_take(long, w->ping), reply, w); }

static async(long) serve(struct world *w, long v);
static async(long) take_pong(struct world *w) { return weft_bind(weft_mvar_take(long, w->pong), serve, w); }
static async(long) serve(struct world *w, long v) {
  if (v >= ROUNDS) return weft_return(long, v);
  return weft_then(weft_mvar_put(w->ping, v), take_pong, w);
}
static async(long) ping_pong(struct world *w) {
  weft_spawn(echo(w));
  return serve(w, 0);
}

/* A producer and a consumer through a channel of one slot. */
static async(void) produce(struct world *w);
static async(void) sent(struct world *w) {
  w->sent++;
  return produce(w);
}
static async(void) produce(struct world *w) {
  if (w->sent == MESSAGES) {
    weft_chan_close(w->ch);
    return weft_return(void);
  }
  return weft_then(weft_chan_send(w->ch, w->sent), sent, w);
}
static async(long) consume(struct world *w);
static async(long) add(struct world *w, long v) {
  w->sum += v;
  return consume(w);
}
static async(long) end_of_stream(struct world *w, int err) {
  CHECK_INT_EQ(err, -EPIPE);
  return weft_return(long, w->sum);
}
static async(long) consume(struct world *w) {
  return weft_bind(weft_chan_recv(long, w->ch), add, w);
}
static async(long) pipeline(struct world *w) {
  weft_spawn(produce(w));
  return weft_catch(consume(w), end_of_stream, w);
}

int main(void) {
  struct world w = {.ping = weft_mvar_new(), .pong = weft_mvar_new(), .ch = weft_chan_new(1)};
  long out = 0;
  CHECK_INT_EQ(weft_run(ping_pong(&w), &out), 0);
  CHECK_INT_EQ(out, ROUNDS);
  CHECK_INT_EQ(w.echoed, ROUNDS);
  CHECK_INT_EQ(weft_run(pipeline(&w), &out), 0);
  CHECK_INT_EQ(out, MESSAGES * (MESSAGES - 1) / 2);
  weft_mvar_free(w.ping);
  weft_mvar_free(w.pong);
  weft_chan_free(w.ch);
  return 0;
}
