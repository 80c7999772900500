/* ticker.c: weft_tick, a periodic tick at absolute deadlines (start + k * period) on the loop's timer heap.
 * Covered by test/runtime/ticker.c (never early, no drift over 200 ticks, missed ticks counted, cancellation).
 *
 * A tick is a wait (WEFT__K_EVENT) whose attempt compares the clock with
 * the next deadline: before it, the fiber sleeps in the timer heap with
 * that deadline (timer.c, unchanged); at or after it, the wait completes
 * and the ticker moves on to the first deadline still ahead.  Nothing
 * runs between ticks, and nothing is kept per tick: a ticker costs its
 * struct and, while someone waits, that waiter's place in the heap. */
#include "internal.h"

#include <errno.h>

/* Periods longer than this (about 11.5 days) are refused: the deadlines,
 * in nanoseconds, then stay far from overflowing for centuries of ticks. */
#define PERIOD_MAX_MS 1000000000L

struct weft_ticker {
  int64_t start;   /* CLOCK_MONOTONIC ns when it was made */
  int64_t period;  /* ns */
  int64_t next;    /* the index of the next tick not yet delivered (from 1) */
  size_t waiting;  /* fibers asleep on it, for weft_ticker_free's check */
};

/* Reading the clock never yields; the checker counts every weft__ call as
 * building an action, so the noyield functions read it through this. */
static WEFT_BOUNDARY int64_t clock_now(void) {
  return weft__clock_now();
}

weft_ticker_t *weft_ticker_new(long period_ms) {
  if (period_ms <= 0 || period_ms > PERIOD_MAX_MS) return NULL;
  struct weft_ticker *t = calloc(1, sizeof *t);
  if (t == NULL) return NULL;
  t->start = clock_now();
  t->period = (int64_t)period_ms * 1000000;
  t->next = 1;
  return t;
}

static int tick_attempt(struct weft__fiber *f, struct weft__node *op) {
  struct weft_ticker *t = op->u.ev.obj;
  int64_t now = weft__clock_now();
  int64_t due = t->start + t->next * t->period;
  if (now < due) {
    if (op->ev_phase == WEFT__EV_NEW) {
      op->ev_phase = WEFT__EV_WAITING;
      t->waiting++;
    }
    /* Woken for a tick another waiter took first: wait for the next one. */
    f->deadline = due;
    weft__timer_add(f);
    return WEFT__OP_WAIT;
  }
  if (op->ev_phase == WEFT__EV_WAITING) {
    op->ev_phase = WEFT__EV_NEW;
    t->waiting--;
  }
  /* The latest tick due; the ones between t->next and it were missed. */
  int64_t latest = (now - t->start) / t->period;
  int64_t count = latest - t->next + 1;
  t->next = latest + 1;
  return weft__op_done(f, (uintptr_t)(long)count);
}

/* A cancelled wait leaves the heap (fiber_cancel has usually done that
 * already; a second removal is a no-op) and consumes no tick. */
static void tick_cancel(struct weft__fiber *f, struct weft__node *op) {
  struct weft_ticker *t = op->u.ev.obj;
  weft__timer_remove(f);
  if (op->ev_phase == WEFT__EV_WAITING) t->waiting--;
}

static const struct weft__event_ops tick_ops = {"weft_tick", tick_attempt, tick_cancel, NULL};

WEFT_BOUNDARY async(long) weft_tick(weft_ticker_t *t) {
  if (t == NULL) weft__misuse("weft_tick was given a NULL ticker");
  struct weft__node *n = weft__node_new(WEFT__K_EVENT);
  n->u.ev.ops = &tick_ops;
  n->u.ev.obj = t;
  return (async(long)){.node_ = n};
}

/* The report never returns; the checker is told it does not yield either. */
static WEFT_BOUNDARY void check_free(const struct weft_ticker *t) {
  if (t->waiting != 0)
    weft__misuse("weft_ticker_free was called while %zu fibers wait on the ticker: free it once nothing "
                 "waits (after weft_run returns, or once its waiters are done)", t->waiting);
}

void weft_ticker_free(weft_ticker_t *t) {
  if (t == NULL) return;
  check_free(t);
  free(t);
}
