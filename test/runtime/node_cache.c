/* node_cache.c: consumed actions and ended fibers are reused (node.c and fiber.c keep per-thread free lists) without leftovers.
 * Proves: fibers cancelled with long unstarted chains (freed unrun) run only their finalisers, never a continuation, even over a
 * resolved action; recycled nodes and fibers then compute right; actions built on one thread run and are freed on another; both
 * threads leak nothing (valgrind, ASan, which also sees a use of a node or fiber while it waits on a list). */
#include <pthread.h>
#include <weft.h>

#include "check.h"

#define FIBERS 2000
#define CHAIN 40

struct churn {
  long ran;    /* continuations of the cancelled fibers: must stay 0 */
  long finals; /* their finalisers: one per fiber */
  long sum;    /* what the surviving work computed */
};

static async(long) never(struct churn *c, long v) {
  (void)v;
  c->ran++;
  return weft_return(long, 0);
}

static async(void) final(struct churn *c) {
  c->finals++;
  return weft_return(void);
}

static async(void) drop(struct churn *c, long v) {
  (void)c;
  (void)v;
  return weft_return(void);
}

/* A long chain whose innermost action is already resolved: the shortcut for
 * resolved actions must not run `never` when the fiber is cancelled first. */
static async(long) chain(struct churn *c, int depth) {
  async(long) m = weft_return(long, depth);
  for (int i = 0; i < depth; i++) m = weft_bind(m, never, c);
  return m;
}

static async(long) add(struct churn *c, long v) {
  c->sum += v;
  return weft_return(long, v + 1);
}

static async(void) guarded(struct churn *c) {
  return weft_finally(weft_bind(chain(c, CHAIN), drop, c), final, c);
}

/* Half the fibers are tasks cancelled at once, half are left queued for
 * the loop's close to cancel; then, with the free list full of their
 * nodes, a chain of 1000 binds (left-nested: each bind's action is another
 * bind, the last a resolved one) must compute 1 + 2 + ... + 1000. */
static async(long) run_churn(struct churn *c) {
  for (int i = 0; i < FIBERS / 2; i++) {
    weft_task_t *t = weft_spawn_task(guarded(c));
    weft_task_cancel(t);
    weft_task_detach(t);
  }
  for (int i = 0; i < FIBERS / 2; i++) weft_spawn(guarded(c));
  async(long) m = weft_return(long, 1);
  for (int i = 0; i < 1000; i++) m = weft_bind(m, add, c);
  return m;
}

/* Actions built here are run, consumed and recycled by another thread. */
struct handoff {
  async(long) action;
  struct churn churn;
  long result;
  int rc;
};

static void *run_elsewhere(void *arg) {
  struct handoff *h = arg;
  h->rc = weft_run(h->action, &h->result);
  return NULL;
}

int main(void) {
  struct churn c = {0};
  long result = 0;
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), run_churn, &c), &result), 0);
  CHECK_INT_EQ(result, 1001);
  CHECK_INT_EQ(c.sum, 500500);
  CHECK_INT_EQ(c.ran, 0);
  CHECK_INT_EQ(c.finals, FIBERS);

  /* Twice: the second run meets the nodes the first one recycled. */
  for (int round = 0; round < 2; round++) {
    struct handoff h = {.rc = -1};
    h.action = weft_return(long, 1);
    for (int i = 0; i < 5000; i++) h.action = weft_bind(h.action, add, &h.churn);
    pthread_t t;
    CHECK_INT_EQ(pthread_create(&t, NULL, run_elsewhere, &h), 0);
    CHECK_INT_EQ(pthread_join(t, NULL), 0);
    CHECK_INT_EQ(h.rc, 0);
    CHECK_INT_EQ(h.result, 5001);
    CHECK_INT_EQ(h.churn.sum, 5000L * 5001 / 2);
  }
  return 0;
}
