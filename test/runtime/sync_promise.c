/* sync_promise.c: weft_promise: FIFO wake-up with the value, waits after resolution, rejection, cancelled waiters.
 * Proves: every waiter gets the value in the order it waited, a cancelled waiter leaves the queue, a failure reaches all. */
#include <weft.h>

#include "check.h"

static async(void) yield_k(void *env) {
  (void)env;
  return weft_yield();
}

struct world {
  weft_promise_t *p;
  char log[16];
  size_t len;
  long got[4];
  int errs[4];
};

struct waiter {
  struct world *w;
  int i;
};

static async(void) got(struct waiter *x, long v) {
  x->w->got[x->i] = v;
  x->w->log[x->w->len++] = (char)('a' + x->i);
  return weft_return(void);
}
static async(void) failed(struct waiter *x, int err) {
  x->w->errs[x->i] = err;
  x->w->log[x->w->len++] = (char)('A' + x->i);
  return weft_return(void);
}
static async(void) wait_one(struct waiter *x) {
  return weft_catch(weft_bind(weft_promise_wait(long, x->w->p), got, x), failed, x);
}
/* A wait that times out leaves the queue: the resolve that follows wakes
 * only the waiters still there (valgrind sees any touch of the freed one). */
static async(long) timed_out(struct waiter *x, int err) {
  CHECK_INT_EQ(err, -ETIMEDOUT);
  weft_promise_resolve(x->w->p, 7L);
  return weft_promise_wait(long, x->w->p);
}
static async(long) wait_briefly(struct waiter *x) {
  return weft_catch(weft_timeout(weft_promise_wait(long, x->w->p), 1), timed_out, x);
}

static void timeout_leaves(void) {
  struct world w = {.p = weft_promise_new()};
  struct waiter x = {&w, 0};
  long out = 0;
  CHECK_INT_EQ(weft_run(wait_briefly(&x), &out), 0);
  CHECK_INT_EQ(out, 7);
  weft_promise_free(w.p);
}

/* Waiter b is a task, cancelled before the resolve: it leaves the queue,
 * and a, c (in order) and the late d get the value. */
static weft_task_t *b_task;

static async(void) cancel_b_then_resolve(struct world *w) {
  weft_task_cancel(b_task);
  CHECK_TRUE(!weft_promise_is_resolved(w->p));
  weft_promise_resolve(w->p, 42L);
  CHECK_TRUE(weft_promise_is_resolved(w->p));
  return weft_yield();
}
static async(void) b_not_cancelled(struct waiter *x) {
  (void)x;
  CHECK_FAILED_("the cancelled waiter's task ended normally");
}
static async(void) b_ended(struct waiter *x, int err) {
  x->w->errs[x->i] = err;
  return weft_return(void);
}
static async(void) join_b(struct waiter *x) {
  return weft_catch(weft_then(weft_task_join(void, b_task), b_not_cancelled, x), b_ended, x);
}
static async(void) late_waiter(struct waiter *x) { return wait_one(x); }

static async(void) three_waiters(struct waiter *x) {
  weft_spawn(wait_one(&x[0]));
  b_task = weft_spawn_task(wait_one(&x[1]));
  weft_spawn(wait_one(&x[2]));
  return weft_then(weft_then(weft_then(weft_yield(), cancel_b_then_resolve, x[0].w), join_b, &x[1]), late_waiter,
                   &x[3]);
}

static void fifo_and_cancel(void) {
  struct world w = {.p = weft_promise_new()};
  struct waiter x[4] = {{&w, 0}, {&w, 1}, {&w, 2}, {&w, 3}};
  CHECK_INT_EQ(weft_run(three_waiters(x), NULL), 0);
  w.log[w.len] = '\0';
  /* b was cancelled (its handler skipped, as for any cancelled fiber); a
   * and c woke in order; d found it resolved. */
  CHECK_TRUE(strcmp(w.log, "acd") == 0);
  CHECK_INT_EQ(w.errs[1], -ECANCELED);
  CHECK_INT_EQ(w.got[1], 0);
  CHECK_INT_EQ(w.got[0], 42);
  CHECK_INT_EQ(w.got[2], 42);
  CHECK_INT_EQ(w.got[3], 42);
  weft_promise_free(w.p);
}

static async(void) reject(struct world *w) {
  weft_promise_reject(w->p, -ECONNRESET);
  return weft_return(void);
}
static async(void) two_rejected(struct waiter *x) {
  weft_spawn(wait_one(&x[0]));
  weft_spawn(wait_one(&x[1]));
  return weft_then(weft_then(weft_yield(), reject, x[0].w), yield_k, (void *)NULL);
}

static void rejection(void) {
  struct world w = {.p = weft_promise_new()};
  struct waiter x[2] = {{&w, 0}, {&w, 1}};
  CHECK_INT_EQ(weft_run(two_rejected(x), NULL), 0);
  w.log[w.len] = '\0';
  CHECK_TRUE(strcmp(w.log, "AB") == 0);
  CHECK_INT_EQ(w.errs[0], -ECONNRESET);
  CHECK_INT_EQ(w.errs[1], -ECONNRESET);
  /* A pointer value, waited for by weft_run itself. */
  weft_promise_t *q = weft_promise_new();
  weft_promise_resolve(q, &w);
  void *out = NULL;
  CHECK_INT_EQ(weft_run(weft_promise_wait(ptr, q), &out), 0);
  CHECK_PTR_EQ(out, &w);
  weft_promise_free(q);
  weft_promise_free(w.p);
}

/* Waiting for a promise nobody will resolve: the loop says so. */
static void never(void) {
  weft_promise_t *p = weft_promise_new();
  CHECK_INT_EQ(weft_run(weft_promise_wait(int, p), NULL), -EDEADLK);
  weft_promise_free(p);
}

int main(void) {
  timeout_leaves();
  fifo_and_cancel();
  rejection();
  never();
  return 0;
}
