/* sync_promise_free.c: a promise freed by its resolver right after resolving it, while the woken waiters have not run.
 * Proves: each waiter still gets the value (or the failure) it was woken with, in FIFO order, and nothing reads the
 * freed promise (ASan, valgrind). */
#include <weft.h>

#include "check.h"

#define WAITERS 5

struct world {
  weft_promise_t *p;
  int reject;
  long got[WAITERS];
  int errs[WAITERS];
  int order[WAITERS];
  int ended;
};

struct waiter {
  struct world *w;
  int i;
};

static async(void) keep(struct waiter *x, long v) {
  x->w->got[x->i] = v;
  x->w->order[x->w->ended++] = x->i;
  return weft_return(void);
}
static async(void) keep_failure(struct waiter *x, int err) {
  x->w->errs[x->i] = err;
  x->w->order[x->w->ended++] = x->i;
  return weft_return(void);
}

/* Resolve (or reject), then free at once: a resolve-and-forget. */
static async(void) resolve_and_free(struct world *w) {
  if (w->reject) weft_promise_reject(w->p, -EIO);
  else weft_promise_resolve(w->p, 42L);
  weft_promise_free(w->p);
  w->p = NULL;
  return weft_yield(); /* the woken waiters run before the loop closes */
}

static struct waiter waiters[WAITERS];

static async(void) scenario(struct world *w) {
  for (int i = 0; i < WAITERS; i++) {
    waiters[i] = (struct waiter){w, i};
    weft_spawn(weft_catch(weft_bind(weft_promise_wait(long, w->p), keep, &waiters[i]), keep_failure, &waiters[i]));
  }
  /* Every waiter waits before the resolver runs. */
  return weft_then(weft_yield(), resolve_and_free, w);
}

static void check(int reject) {
  struct world w = {.reject = reject};
  w.p = weft_promise_new();
  CHECK_INT_EQ(weft_run(scenario(&w), NULL), 0);
  CHECK_INT_EQ(w.ended, WAITERS);
  for (int i = 0; i < WAITERS; i++) {
    CHECK_INT_EQ(w.order[i], i);
    CHECK_INT_EQ(w.got[i], reject ? 0 : 42);
    CHECK_INT_EQ(w.errs[i], reject ? -EIO : 0);
  }
}

int main(void) {
  check(0);
  check(1);
  return 0;
}
