/* stack_join_tower.c: a tower of 10^5 nested weft_joins runs in constant stack (-O0, ulimit -s 256).
 * Proves: completing, failing inside and cancelling from outside a tower never recurse on its depth. */
#include <weft.h>

#include "check.h"

#define JOINS 100000L

struct tower {
  long leaves;
};

static async(void) count(struct tower *t) {
  t->leaves++;
  return weft_return(void);
}

static async(void) count_after(struct tower *t, long slept) {
  (void)slept;
  t->leaves++;
  return weft_return(void);
}

static async(void) leaf(struct tower *t, long k) {
  if (k % 2) return weft_bind(weft_sleep_ms(1), count_after, t);
  return weft_then(weft_return(void), count, t);
}

int main(void) {
  struct tower t = {0};

  /* join(join(join(leaf0, leaf1), leaf2), ...) */
  async(void) m = leaf(&t, 0);
  for (long k = 1; k <= JOINS; k++) m = weft_join(m, leaf(&t, k));
  CHECK_INT_EQ(weft_run(m, NULL), 0);
  CHECK_INT_EQ(t.leaves, JOINS + 1);

  /* join(leaf, join(leaf, join(...))): nested the other way. */
  t.leaves = 0;
  m = leaf(&t, 0);
  for (long k = 1; k <= JOINS; k++) m = weft_join(leaf(&t, k), m);
  CHECK_INT_EQ(weft_run(m, NULL), 0);
  CHECK_INT_EQ(t.leaves, JOINS + 1);

  /* A failure at the bottom cancels the whole tower of waiting leaves. */
  t.leaves = 0;
  m = weft_fail(-EDOM);
  for (long k = 1; k <= JOINS; k++) m = weft_join(m, weft_bind(weft_sleep_ms(60000), count_after, &t));
  CHECK_INT_EQ(weft_run(m, NULL), -EDOM);
  CHECK_INT_EQ(t.leaves, 0);

  /* A whole waiting tower cancelled from above, by a timeout. */
  m = weft_bind(weft_sleep_ms(60000), count_after, &t);
  for (long k = 1; k <= JOINS; k++) m = weft_join(m, weft_bind(weft_sleep_ms(60000), count_after, &t));
  CHECK_INT_EQ(weft_run(weft_timeout(m, 20), NULL), -ETIMEDOUT);
  CHECK_INT_EQ(t.leaves, 0);
  return 0;
}
