/* stack_resolved_chain.c: 10^6 steps through weft_then, weft_map, weft_catch and weft_bind of already-resolved actions (built -O0, ulimit -s 256).
 * Proves: the trampoline's shortcut for a resolved action (no frame pushed, fiber.c run_resolved) keeps constant stack for every
 * combinator, widens narrow map results, passes a success through a catch, and a finally over a resolved action still runs. */
#include <weft.h>

#include "check.h"

#define ITERATIONS 1000000L

struct chain {
  long steps;
  long finals;
  long handled;
};

static async(long) step(struct chain *c, long v);

static int narrow(struct chain *c, long v) {
  (void)c;
  return v & 1 ? -1 : 1; /* a narrow signed result, widened by the runtime */
}

static async(long) handler(struct chain *c, int err) {
  (void)err;
  c->handled++; /* never: the action it guards succeeded */
  return weft_return(long, -1);
}

static async(void) final(struct chain *c) {
  c->finals++;
  return weft_return(void);
}

static async(long) after_then(struct chain *c) { return weft_return(long, c->steps); }

static async(long) after_map(struct chain *c, int sign) {
  CHECK_INT_EQ(sign, c->steps & 1 ? -1 : 1);
  /* The same value through a catch that is never used, then a finally. */
  return weft_bind(weft_finally(weft_catch(weft_return(long, c->steps), handler, c), final, c), step, c);
}

static async(long) step(struct chain *c, long v) {
  CHECK_INT_EQ(v, c->steps);
  c->steps++;
  if (c->steps > ITERATIONS) return weft_return(long, c->steps);
  return weft_bind(weft_map(weft_then(weft_return(void), after_then, c), narrow, c), after_map, c);
}

int main(void) {
  struct chain c = {0};
  long result = 0;
  CHECK_INT_EQ(weft_run(weft_bind(weft_return(long, 0), step, &c), &result), 0);
  CHECK_INT_EQ(result, ITERATIONS + 1);
  CHECK_INT_EQ(c.finals, ITERATIONS);
  CHECK_INT_EQ(c.handled, 0);
  return 0;
}
