/* sync_chan.c: weft_chan: FIFO values, backpressure, FIFO waiters, close with waiters, rendezvous, cancelled waiters.
 * Proves: a full channel holds its senders back, receivers and senders are served in order, close fails both with
 * -EPIPE and leaves the values already in, and a receive cancelled after it was handed a value gives it back. */
#include <weft.h>

#include "check.h"

#define N 6

struct world {
  weft_chan_t *ch;
  size_t capacity;
  char log[64];
  size_t len;
  int sends, recvs;
  long got[N];
};

static void note(struct world *w, char c) {
  if (w->len + 1 < sizeof w->log) w->log[w->len++] = c;
  /* Backpressure: a send completes only into room, or into a receiver. */
  CHECK_INT_LE(w->sends - w->recvs, (int)w->capacity + 1);
}

/* ---- FIFO and backpressure --------------------------------------------- */

static async(void) producer(struct world *w);
static async(void) sent(struct world *w) {
  w->sends++;
  note(w, 's');
  return producer(w);
}
static async(void) producer(struct world *w) {
  if (w->sends == N) return weft_return(void);
  return weft_then(weft_chan_send(w->ch, w->sends * 10), sent, w);
}

static async(void) consumer(struct world *w);
static async(void) received(struct world *w, long v) {
  w->got[w->recvs++] = v;
  note(w, 'r');
  return consumer(w);
}
static async(void) consumer(struct world *w) {
  if (w->recvs == N) return weft_return(void);
  return weft_bind(weft_chan_recv(long, w->ch), received, w);
}

/* The producer runs first and fills the channel before it must wait. */
static async(void) producer_consumer(struct world *w) {
  weft_spawn(producer(w));
  return weft_then(weft_yield(), consumer, w);
}

static void fifo_and_backpressure(size_t capacity) {
  struct world w = {.capacity = capacity};
  w.ch = weft_chan_new(capacity);
  CHECK_INT_EQ(weft_run(producer_consumer(&w), NULL), 0);
  w.log[w.len] = '\0';
  fprintf(stderr, "capacity %zu: %s\n", capacity, w.log);
  CHECK_INT_EQ(w.sends, N);
  for (int i = 0; i < N; i++) CHECK_INT_EQ(w.got[i], i * 10);
  /* capacity sends fit, then the producer waits for the first receive. */
  for (size_t i = 0; i < capacity; i++) CHECK_INT_EQ(w.log[i], 's');
  CHECK_INT_EQ(w.log[capacity], capacity == 0 ? 'r' : 'r');
  CHECK_UINT_EQ(weft_chan_length(w.ch), 0);
  weft_chan_free(w.ch);
}

/* ---- waiters in FIFO order, and close ---------------------------------- */

struct waiter {
  struct world *w;
  char name;
  long value;
  int err;
};

static async(void) recv_done(struct waiter *r, long v) {
  r->value = v;
  note(r->w, r->name);
  return weft_return(void);
}
static async(void) recv_failed(struct waiter *r, int err) {
  r->err = err;
  note(r->w, r->name);
  return weft_return(void);
}
static async(void) receive(struct waiter *r) {
  return weft_catch(weft_bind(weft_chan_recv(long, r->w->ch), recv_done, r), recv_failed, r);
}

static async(void) send_done(struct waiter *s) {
  note(s->w, s->name);
  return weft_return(void);
}
static async(void) send_failed(struct waiter *s, int err) {
  s->err = err;
  note(s->w, s->name);
  return weft_return(void);
}
static async(void) send_one(struct waiter *s) {
  return weft_catch(weft_then(weft_chan_send(s->w->ch, s->value), send_done, s), send_failed, s);
}

/* Three receivers wait on an empty channel; values go to them in the order
 * they began to wait; a fourth is failed by close. */
static async(void) feed(struct world *w) {
  CHECK_INT_EQ(weft_chan_try_send(w->ch, 1), 0);
  CHECK_INT_EQ(weft_chan_try_send(w->ch, 2), 0);
  CHECK_INT_EQ(weft_chan_try_send(w->ch, 3), 0);
  weft_chan_close(w->ch);
  CHECK_INT_EQ(weft_chan_try_send(w->ch, 4), -EPIPE);
  return weft_yield();
}

static async(void) receivers_fifo(struct waiter *r) {
  for (int i = 0; i < 4; i++) weft_spawn(receive(&r[i]));
  return weft_then(weft_yield(), feed, r[0].w);
}

static void fifo_receivers_and_close(void) {
  struct world w = {.capacity = 1};
  w.ch = weft_chan_new(1);
  struct waiter r[4] = {{&w, 'a', 0, 0}, {&w, 'b', 0, 0}, {&w, 'c', 0, 0}, {&w, 'd', 0, 0}};
  CHECK_INT_EQ(weft_run(receivers_fifo(r), NULL), 0);
  w.log[w.len] = '\0';
  CHECK_INT_EQ(r[0].value, 1);
  CHECK_INT_EQ(r[1].value, 2);
  CHECK_INT_EQ(r[2].value, 3);
  CHECK_INT_EQ(r[3].err, -EPIPE);
  CHECK_INT_EQ(r[0].err + r[1].err + r[2].err, 0);
  CHECK_TRUE(strcmp(w.log, "abcd") == 0);
  weft_chan_free(w.ch);
}

/* Senders wait on a full channel (capacity 1) and are let in in order;
 * close fails the ones still waiting; what is in stays receivable. */
static async(void) drain_two(struct world *w);
static async(void) drained(struct world *w, long v) {
  w->got[w->recvs++] = v;
  return drain_two(w);
}
static async(void) drain_two(struct world *w) {
  if (w->recvs == 2) {
    weft_chan_close(w->ch);
    return weft_yield();
  }
  return weft_bind(weft_chan_recv(long, w->ch), drained, w);
}
static async(void) not_reached(struct world *w, long v) {
  (void)w;
  CHECK_FAILED_("a receive on a closed, empty channel delivered %ld", v);
}
static async(void) after_close(struct world *w, long v) {
  w->got[w->recvs++] = v;
  return weft_bind(weft_chan_recv(long, w->ch), not_reached, w); /* fails: closed and empty */
}
static async(void) recv_rest(struct world *w) { return weft_bind(weft_chan_recv(long, w->ch), after_close, w); }

static async(void) senders_fifo(struct waiter *s) {
  struct world *w = s[0].w;
  CHECK_INT_EQ(weft_chan_try_send(w->ch, 100), 0);
  CHECK_INT_EQ(weft_chan_try_send(w->ch, 101), -EAGAIN);
  for (int i = 0; i < 4; i++) weft_spawn(send_one(&s[i]));
  /* After two receives: 100 out, s0 in, s0's out, s1 in; s2 and s3 wait. */
  return weft_then(weft_then(weft_yield(), drain_two, w), recv_rest, w);
}

static void fifo_senders_and_close(void) {
  struct world w = {.capacity = 1};
  w.ch = weft_chan_new(1);
  struct waiter s[4] = {{&w, 'a', 1, 0}, {&w, 'b', 2, 0}, {&w, 'c', 3, 0}, {&w, 'd', 4, 0}};
  CHECK_INT_EQ(weft_run(senders_fifo(s), NULL), -EPIPE);
  CHECK_INT_EQ(w.got[0], 100);
  CHECK_INT_EQ(w.got[1], 1);
  CHECK_INT_EQ(w.got[2], 2); /* in before the close */
  CHECK_INT_EQ(s[0].err, 0);
  CHECK_INT_EQ(s[1].err, 0);
  CHECK_INT_EQ(s[2].err, -EPIPE);
  CHECK_INT_EQ(s[3].err, -EPIPE);
  weft_chan_free(w.ch);
}

/* ---- cancelled waiters lose nothing ------------------------------------ */

struct race {
  weft_chan_t *ch;
  weft_cond_t *cond;
  long value;
};

static async(long) minus_one(struct race *r) {
  (void)r;
  return weft_return(long, -1);
}
static async(long) recv_or_signal(struct race *r) {
  return weft_pick(weft_chan_recv(long, r->ch), weft_then(weft_cond_wait(r->cond), minus_one, r));
}
static async(void) keep(struct race *r, long v) {
  r->value = v;
  return weft_return(void);
}

static async(void) yield_again(struct race *r) {
  (void)r;
  return weft_yield();
}

/* The signal wakes the pick's second branch first; then the receive is
 * handed 42; the second branch runs first and wins, and the receive,
 * cancelled holding 42, must put it back. */
static async(void) wake_both(struct race *r) {
  weft_cond_signal(r->cond);
  CHECK_INT_EQ(weft_chan_try_send(r->ch, 42), 0); /* handed to the waiting receive */
  CHECK_UINT_EQ(weft_chan_length(r->ch), 0);
  return weft_then(weft_yield(), yield_again, r); /* the pick decides, then its fiber keeps -1 */
}
static async(long) recv_again(struct race *r) {
  CHECK_INT_EQ(r->value, -1);                     /* the signal won */
  CHECK_UINT_EQ(weft_chan_length(r->ch), 1);      /* 42 is back */
  return weft_chan_recv(long, r->ch);
}

static async(long) cancelled_receive(struct race *r) {
  weft_spawn(weft_bind(recv_or_signal(r), keep, r));
  return weft_then(weft_then(weft_yield(), wake_both, r), recv_again, r);
}

/* A receive cut short by weft_timeout leaves the queue: the next value
 * goes to the receiver behind it. */
static async(long) timed_out(struct race *r, int err) {
  CHECK_INT_EQ(err, -ETIMEDOUT);
  CHECK_INT_EQ(weft_chan_try_send(r->ch, 7), 0);
  return weft_chan_recv(long, r->ch);
}
static async(long) timeout_receive(struct race *r) {
  return weft_catch(weft_timeout(weft_chan_recv(long, r->ch), 5), timed_out, r);
}

static void cancelled_waiters(void) {
  struct race r = {.ch = weft_chan_new(4), .cond = weft_cond_new()};
  long out = 0;
  CHECK_INT_EQ(weft_run(cancelled_receive(&r), &out), 0);
  CHECK_INT_EQ(out, 42);
  CHECK_INT_EQ(weft_run(timeout_receive(&r), &out), 0);
  CHECK_INT_EQ(out, 7);
  CHECK_UINT_EQ(weft_chan_length(r.ch), 0);
  weft_chan_free(r.ch);
  weft_cond_free(r.cond);
}

/* A value sent to a channel nobody reads stays there when the loop closes,
 * and a receive still waiting is cancelled and leaves the queue. */
static async(void) leave_waiting(struct race *r) {
  weft_spawn(weft_bind(weft_chan_recv(long, r->ch), keep, r));
  return weft_yield();
}

static void waiter_at_loop_close(void) {
  struct race r = {.ch = weft_chan_new(0)};
  CHECK_INT_EQ(weft_run(leave_waiting(&r), NULL), 0);
  CHECK_INT_EQ(weft_chan_try_send(r.ch, 5), -EAGAIN); /* no receiver any more */
  weft_chan_free(r.ch);

  /* try_recv outside any loop: values in order, then -EAGAIN, -EPIPE once closed. */
  weft_chan_t *ch = weft_chan_new(3);
  uintptr_t v = 0;
  CHECK_INT_EQ(weft_chan_try_recv(ch, &v), -EAGAIN);
  CHECK_INT_EQ(weft_chan_try_send(ch, 1), 0);
  CHECK_INT_EQ(weft_chan_try_send(ch, 2), 0);
  weft_chan_close(ch);
  CHECK_INT_EQ(weft_chan_try_recv(ch, &v), 0);
  CHECK_UINT_EQ(v, 1);
  CHECK_INT_EQ(weft_chan_try_recv(ch, &v), 0);
  CHECK_UINT_EQ(v, 2);
  CHECK_INT_EQ(weft_chan_try_recv(ch, &v), -EPIPE);
  weft_chan_free(ch);
}

int main(void) {
  fifo_and_backpressure(2);
  fifo_and_backpressure(1);
  fifo_and_backpressure(0);
  fifo_receivers_and_close();
  fifo_senders_and_close();
  cancelled_waiters();
  waiter_at_loop_close();
  return 0;
}
