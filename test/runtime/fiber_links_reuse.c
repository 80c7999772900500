/* fiber_links_reuse.c: a fiber's links block (join/pick and wait links, made on first use) is emptied when the fiber is reused.
 * Proves: fibers that were join branches, pick losers cancelled in the timer heap, or waiters on a promise come back
 * from the fiber list as plain spawned sleepers with no parent, no children and no queue: every sleeper finishes on
 * its own and every join and pick delivers to the right fiber, round after round. */
#include <weft.h>

#include "check.h"

#define ROUNDS 200
#define SPAWNED 3

struct state {
  int round;
  long got_sum;      /* what the promise waits received */
  int spawned_done;  /* plain sleepers that finished */
  int picks;         /* picks won by the short sleep */
  weft_promise_t *p;
};

static async(void) round_(struct state *s);

static async(void) got(struct state *s, long v) {
  s->got_sum += v;
  return weft_return(void);
}

/* The other branch resolves the promise the first waits on (after a yield,
 * so that the first is queued on it by then). */
static async(void) resolve(struct state *s) {
  weft_promise_resolve(s->p, (long)s->round);
  return weft_return(void);
}

static async(void) sleeper_done(struct state *s, long ms) {
  (void)ms;
  s->spawned_done++;
  return weft_return(void);
}

static async(void) next(struct state *s) {
  s->round++;
  return round_(s);
}

/* Plain sleepers made from the fibers the join and the pick just gave back. */
static async(void) picked(struct state *s, long ms) {
  (void)ms;
  s->picks++;
  for (int i = 0; i < SPAWNED; i++) weft_spawn(weft_bind(weft_sleep_ms(0), sleeper_done, s));
  return weft_then(weft_yield(), next, s);
}

/* The long sleep loses and is cancelled while in the timer heap. */
static async(void) joined(struct state *s) {
  weft_promise_free(s->p);
  s->p = NULL;
  return weft_bind(weft_pick(weft_sleep_ms(0), weft_sleep_ms(100000)), picked, s);
}

static async(void) settle(struct state *s, long ms) {
  (void)s;
  (void)ms;
  return weft_return(void);
}

static async(void) round_(struct state *s) {
  if (s->round == ROUNDS) return weft_bind(weft_sleep_ms(20), settle, s); /* the last sleepers finish */
  s->p = weft_promise_new();
  return weft_then(weft_join(weft_bind(weft_promise_wait(long, s->p), got, s), weft_then(weft_yield(), resolve, s)),
                   joined, s);
}

int main(void) {
  struct state s = {0};
  CHECK_INT_EQ(weft_run(round_(&s), NULL), 0);
  CHECK_INT_EQ(s.round, ROUNDS);
  CHECK_INT_EQ(s.picks, ROUNDS);
  CHECK_INT_EQ(s.got_sum, (long)ROUNDS * (ROUNDS - 1) / 2);
  CHECK_INT_EQ(s.spawned_done, ROUNDS * SPAWNED);
  return 0;
}
