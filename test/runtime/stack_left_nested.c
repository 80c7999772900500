/* stack_left_nested.c: a left-nested chain of 10^6 binds on a pending action, in constant stack.
 * Proves (-O0, ulimit -s 256): running, failing through and freeing it unrun never recurse; binds run in order. */
#include <weft.h>

#include "check.h"

#define DEPTH 1000000L

struct chain {
  long calls;
  long first_value;
};

static async(long) inc(struct chain *c, long v) {
  if (c->calls++ == 0) c->first_value = v;
  /* Each continuation sees its predecessor's result: the chain runs in order. */
  CHECK_INT_EQ(v, c->first_value + c->calls - 1);
  return weft_return(long, v + 1);
}

static async(long) never(struct chain *c, long v) {
  c->calls++;
  return weft_return(long, v);
}

static async(void) drop(struct chain *c, long v) {
  (void)v;
  c->calls++;
  return weft_return(void);
}

/* A spawned fiber that never gets to run: the main action is already done.
 * Its chain is released unrun when the loop closes. */
static async(void) spawn_deep_chain(struct chain *c) {
  async(long) deep = weft_sleep_ms(1);
  for (long k = 0; k < DEPTH; k++) deep = weft_bind(deep, never, c);
  weft_spawn(weft_bind(deep, drop, c));
  return weft_return(void);
}

int main(void) {
  struct chain c = {0};
  long result = 0;

  /* weft_sleep_ms(1) is pending when the chain starts: every bind has to
   * wait on it, which is where a naive runtime nests its waiters. */
  async(long) m = weft_sleep_ms(1);
  for (long k = 0; k < DEPTH; k++) m = weft_bind(m, inc, &c);
  CHECK_INT_EQ(weft_run(m, &result), 0);
  CHECK_INT_EQ(c.calls, DEPTH);
  CHECK_INT_GE(c.first_value, 1);
  CHECK_INT_EQ(result, c.first_value + DEPTH);

  /* The same depth on a failing pending action: the failure passes every
   * bind (none runs) and the chain is released without recursion. */
  c = (struct chain){0};
  async(long) f = weft_timeout(weft_sleep_ms(60000), 1);
  for (long k = 0; k < DEPTH; k++) f = weft_bind(f, never, &c);
  CHECK_INT_EQ(weft_run(f, &result), -ETIMEDOUT);
  CHECK_INT_EQ(c.calls, 0);

  /* The same depth, never run at all: released without recursion. */
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), spawn_deep_chain, &c), NULL), 0);
  CHECK_INT_EQ(c.calls, 0);
  return 0;
}
