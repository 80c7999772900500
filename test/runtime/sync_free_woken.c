/* sync_free_woken.c: a channel, mvar or condition freed once its queue is empty while a fiber it woke has not run.
 * Proves: the woken fiber still gets what it was handed, and cancelling it (or closing the loop on it) afterwards
 * touches nothing freed (ASan, valgrind), for receivers of both capacities, mvar takers and signalled waiters. */
#include <weft.h>

#include "check.h"

enum what { CHAN0, CHAN2, MVAR, COND };
enum then_ { RUN, CANCEL, CLOSE_LOOP };

struct world {
  enum what what;
  enum then_ then;
  weft_chan_t *ch;
  weft_mvar_t *mv;
  weft_cond_t *cv;
  weft_task_t *waiter;
  long got;
  int woke;
};

static async(void) keep(struct world *w, long v) {
  w->got = v;
  w->woke++;
  return weft_return(void);
}
static async(void) woke(struct world *w) {
  w->woke++;
  return weft_return(void);
}

static async(void) waiting(struct world *w) {
  switch (w->what) {
  case CHAN0:
  case CHAN2: return weft_bind(weft_chan_recv(long, w->ch), keep, w);
  case MVAR: return weft_bind(weft_mvar_take(long, w->mv), keep, w);
  default: return weft_then(weft_cond_wait(w->cv), woke, w);
  }
}

/* The waiter has been woken but has not run: free the object now, then
 * let it run, cancel it, or close the loop on it. */
static async(void) freed(struct world *w) {
  switch (w->what) {
  case CHAN0:
  case CHAN2:
    weft_chan_close(w->ch);
    weft_chan_free(w->ch);
    break;
  case MVAR: weft_mvar_free(w->mv); break;
  default: weft_cond_free(w->cv); break;
  }
  if (w->then == CLOSE_LOOP) {
    weft_task_detach(w->waiter);
    return weft_return(void);
  }
  if (w->then == CANCEL) weft_task_cancel(w->waiter);
  return weft_task_join(void, w->waiter);
}

static async(void) wake(struct world *w) {
  switch (w->what) {
  case CHAN0:
  case CHAN2: CHECK_INT_EQ(weft_chan_try_send(w->ch, 7L), 0); break;
  case MVAR: return weft_then(weft_mvar_put(w->mv, 7L), freed, w);
  default: weft_cond_signal(w->cv); break;
  }
  return freed(w);
}

static async(void) scenario(struct world *w) {
  w->waiter = weft_spawn_task(waiting(w));
  return weft_then(weft_yield(), wake, w); /* the waiter waits first */
}

static void check(enum what what, enum then_ then) {
  struct world w = {.what = what, .then = then};
  w.ch = weft_chan_new(what == CHAN2 ? 2 : 0);
  w.mv = weft_mvar_new();
  w.cv = weft_cond_new();
  int r = weft_run(scenario(&w), NULL);
  CHECK_INT_EQ(r, then == CANCEL ? -ECANCELED : 0);
  CHECK_INT_EQ(w.woke, then == RUN);
  CHECK_INT_EQ(w.got, then == RUN && what != COND ? 7 : 0);
  if (what != CHAN0 && what != CHAN2) weft_chan_free(w.ch);
  if (what != MVAR) weft_mvar_free(w.mv);
  if (what != COND) weft_cond_free(w.cv);
}

int main(void) {
  for (int what = CHAN0; what <= COND; what++)
    for (int then = RUN; then <= CLOSE_LOOP; then++) check((enum what)what, (enum then_)then);
  return 0;
}
