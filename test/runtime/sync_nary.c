/* sync_nary.c: weft_all, weft_join_n, weft_pick_n, weft_first_success and weft_both.
 * Proves: values land in their slots whatever order the actions end in, a failure cancels the rest (finalisers run), the
 * first to end wins a pick, failures are skipped until one succeeds or all fail, and both carries two value types. */
#include <weft.h>

#include "check.h"

#define N 9

struct world {
  int finals;
  int ran;
  int fail_at; /* which action fails, or -1 */
  int succeed_at; /* weft_first_success: which action succeeds, or -1 */
};

static async(void) count_final(struct world *w) {
  w->finals++;
  return weft_return(void);
}

struct item {
  struct world *w;
  size_t i;
  long left; /* turns still to wait */
};
static struct item items[N];

static async(int) value_of(struct item *it) {
  it->w->ran++;
  if ((int)it->i == it->w->fail_at) return weft_fail(int, -EIO);
  if (it->w->succeed_at >= 0 && (int)it->i != it->w->succeed_at) return weft_fail(int, -(int)(100 + it->i));
  return weft_return(int, (int)(it->i * it->i));
}

/* Counting turns with weft_yield, not time: the order cannot depend on the
 * machine's load. */
static async(int) wait_turns(struct item *it) {
  if (it->left == 0) return value_of(it);
  it->left--;
  return weft_then(weft_yield(), wait_turns, it);
}

/* Action i waits 10 (N - i) turns, so they end in the reverse order, 10
 * turns apart: more than the turns a failure or a win takes to climb the
 * tree of joins or picks (log2 N) and cancel the rest. */
static async(int) make(struct world *w, size_t i) {
  items[i] = (struct item){w, i, 10 * (long)(N - i)};
  return weft_finally(weft_then(weft_return(void), wait_turns, &items[i]), count_final, w);
}

static async(void) make_void(struct world *w, size_t i) {
  (void)i;
  return weft_finally(weft_yield(), count_final, w);
}

int main(void) {
  struct world w = {.fail_at = -1, .succeed_at = -1};
  int values[N] = {0};
  CHECK_INT_EQ(weft_run(weft_all(N, make, &w, values), NULL), 0);
  for (int i = 0; i < N; i++) CHECK_INT_EQ(values[i], i * i);
  CHECK_INT_EQ(w.finals, N);
  CHECK_INT_EQ(w.ran, N);

  /* One fails (the fifth to end): the others still running are cancelled. */
  w = (struct world){.fail_at = 4, .succeed_at = -1};
  memset(values, 0, sizeof values);
  CHECK_INT_EQ(weft_run(weft_all(N, make, &w, values), NULL), -EIO);
  CHECK_INT_EQ(w.finals, N);
  CHECK_INT_EQ(w.ran, N - 4); /* 8, 7, 6, 5 and 4 ran */
  CHECK_INT_EQ(values[0], 0);

  w = (struct world){.fail_at = -1, .succeed_at = -1};
  CHECK_INT_EQ(weft_run(weft_join_n(N, make_void, &w), NULL), 0);
  CHECK_INT_EQ(w.finals, N);
  CHECK_INT_EQ(weft_run(weft_join_n(0, make_void, &w), NULL), 0);

  /* pick: the last one (shortest sleep) wins, the others are cancelled. */
  w = (struct world){.fail_at = -1, .succeed_at = -1};
  int out = -1;
  CHECK_INT_EQ(weft_run(weft_pick_n(N, make, &w), &out), 0);
  CHECK_INT_EQ(out, (N - 1) * (N - 1));
  CHECK_INT_EQ(w.ran, 1);
  CHECK_INT_EQ(w.finals, N);
  CHECK_INT_EQ(weft_run(weft_pick_n(0, make, &w), &out), -EINVAL);

  /* first success: failures of 8..4 are skipped, 3 wins. */
  w = (struct world){.fail_at = -1, .succeed_at = 3};
  CHECK_INT_EQ(weft_run(weft_first_success(N, make, &w), &out), 0);
  CHECK_INT_EQ(out, 9);
  CHECK_INT_EQ(w.ran, N - 3);
  CHECK_INT_EQ(w.finals, N);
  /* All fail: the last failure (action 0's) is the result. */
  w = (struct world){.fail_at = -1, .succeed_at = N + 1};
  CHECK_INT_EQ(weft_run(weft_first_success(N, make, &w), &out), -100);
  CHECK_INT_EQ(w.ran, N);
  w = (struct world){.fail_at = -1, .succeed_at = 0};
  CHECK_INT_EQ(weft_run(weft_first_success(1, make, &w), &out), 0);
  CHECK_INT_EQ(out, 0);

  /* both: two value types, no env. */
  long slept = -1;  /* (the only timer of this test) */
  char *s = NULL;
  static char text[] = "hello";
  CHECK_INT_EQ(weft_run(weft_both(weft_sleep_ms(2), weft_return(str, text), &slept, &s), NULL), 0);
  CHECK_INT_GE(slept, 2);
  CHECK_PTR_EQ(s, text);
  CHECK_INT_EQ(weft_run(weft_both(weft_sleep_ms(60000), weft_fail(str, -EIO), &slept, &s), NULL), -EIO);
  return 0;
}
