/* sync_cond.c: weft_cond: signal wakes the first waiter, broadcast wakes all, cancelled waiters leave or pass the signal on.
 * Proves: FIFO order of waiters, a signal handed to a waiter that is then cancelled is not lost. */
#include <weft.h>

#include "check.h"

static async(void) yield_k(void *env) {
  (void)env;
  return weft_yield();
}

struct world {
  weft_cond_t *c;
  char log[16];
  size_t len;
};

struct waiter {
  struct world *w;
  char name;
};

static async(void) woke(struct waiter *x) {
  x->w->log[x->w->len++] = x->name;
  return weft_return(void);
}
static async(void) wait_one(struct waiter *x) { return weft_then(weft_cond_wait(x->w->c), woke, x); }

static async(void) yield2(void *env) {
  (void)env;
  return weft_then(weft_yield(), yield_k, NULL);
}
static async(void) signal_one(struct world *w) {
  weft_cond_signal(w->c);
  return yield2(w);
}
static async(void) broadcast(struct world *w) {
  weft_cond_broadcast(w->c);
  return yield2(w);
}

/* a, b, c wait; signal wakes a; signal wakes b; broadcast wakes c (and
 * nobody else: a signal with no waiter is lost). */
static async(void) order(struct waiter *x) {
  struct world *w = x[0].w;
  for (int i = 0; i < 3; i++) weft_spawn(wait_one(&x[i]));
  return weft_then(weft_then(weft_then(weft_then(weft_yield(), signal_one, w), signal_one, w), broadcast, w),
                   signal_one, w);
}

static void fifo(void) {
  struct world w = {.c = weft_cond_new()};
  struct waiter x[3] = {{&w, 'a'}, {&w, 'b'}, {&w, 'c'}};
  CHECK_INT_EQ(weft_run(order(x), NULL), 0);
  w.log[w.len] = '\0';
  CHECK_TRUE(strcmp(w.log, "abc") == 0);
  weft_cond_free(w.c);
}

/* a waits in a pick against a second condition; both are signalled, the
 * other first: a's branch loses, and the signal it was handed goes to b. */
struct race {
  struct world *w;
  weft_cond_t *other;
};
static async(void) racing(struct race *r) {
  static struct waiter a_lost = {NULL, 'x'};
  a_lost.w = r->w;
  return weft_pick(weft_cond_wait(r->w->c), weft_then(weft_cond_wait(r->other), woke, &a_lost));
}
static async(void) both_signalled(struct race *r) {
  weft_cond_signal(r->other);
  weft_cond_signal(r->w->c); /* handed to the racing waiter, which then loses */
  return yield2(r);
}
/* b begins to wait after the racing waiter's branch, so that the signal
 * goes to the racing waiter first. */
static struct waiter b_waiter;
static async(void) spawn_b(struct race *r) {
  b_waiter = (struct waiter){r->w, 'b'};
  weft_spawn(wait_one(&b_waiter));
  return weft_then(weft_yield(), both_signalled, r);
}
static async(void) passed(struct race *r) {
  weft_spawn(racing(r));
  return weft_then(weft_yield(), spawn_b, r);
}

static void signal_passed_on(void) {
  struct world w = {.c = weft_cond_new()};
  struct race r = {&w, weft_cond_new()};
  CHECK_INT_EQ(weft_run(passed(&r), NULL), 0);
  w.log[w.len] = '\0';
  CHECK_TRUE(strcmp(w.log, "xb") == 0);
  weft_cond_free(r.other);
  weft_cond_free(w.c);
}

int main(void) {
  fifo();
  signal_passed_on();
  return 0;
}
