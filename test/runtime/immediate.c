/* immediate.c: weft_return's immediates (a value carried in the action pointer, what NDEBUG builds use) in every consumer.
 * Proves: each combinator, sink and slot fed an immediate gets its value, values that do not fit take a node, cancelled ones leak nothing. */
#define WEFT_IMMEDIATE_RETURN 1
#include <limits.h>
#include <stdint.h>
#include <weft.h>

#include "check.h"

/* Whether the action is carried without a node (its pointer's low bit). */
#define IS_IMMEDIATE(m) (((uintptr_t)(m).node_ & 1u) != 0)

static async(long) plus_one(void *env, long v) {
  (void)env;
  return weft_return(long, v + 1);
}

static async(long) same(void *env, long v) {
  (void)env;
  return weft_return(long, v);
}

static async(ptr) same_ptr(void *env, void *v) {
  (void)env;
  return weft_return(ptr, v);
}

static async(size_t) same_size(void *env, size_t v) {
  (void)env;
  return weft_return(size_t, v);
}

static async(int) forty_two(void *env) {
  (void)env;
  return weft_return(int, 42);
}

static long twice(void *env, long v) {
  (void)env;
  return 2 * v;
}

static async(long) recover(void *env, int err) {
  (void)env;
  return weft_return(long, -err);
}

static async(void) count(int *calls) {
  ++*calls;
  return weft_return(void);
}

static async(void) count_long(int *calls, long v) {
  (void)v;
  ++*calls;
  return weft_return(void);
}

static async(long) make_value(void *env, size_t i) {
  (void)env;
  return weft_return(long, (long)i * 100 - 50);
}

static async(void) make_unit(int *calls, size_t i) {
  (void)i;
  ++*calls;
  return weft_return(void);
}

static async(long) make_mixed(void *env, size_t i) {
  (void)env;
  /* A sleep loses to the immediate beside it. */
  return i == 1 ? weft_return(long, 7) : weft_bind(weft_sleep_ms(1000), same, NULL);
}

/* A pick whose other branch is an immediate cancels a sleep bound to an
 * immediate continuation chain: nothing of the loser may run or leak. */
static async(long) never(int *calls, long v) {
  ++*calls;
  return weft_return(long, v);
}

static int spawned;

static long run_long(async(long) m, int *rc) {
  long out = -1;
  *rc = weft_run(m, &out);
  return out;
}

static async(void) spawner(weft_switch_t *sw) {
  weft_spawn(weft_return(void));
  weft_switch_spawn(sw, weft_return(void));
  weft_switch_spawn(sw, weft_bind(weft_return(long, 1), count_long, &spawned));
  return weft_switch_join(sw);
}

struct holder {
  async(long) slot;
};

int main(void) {
  int rc = 0, calls = 0;

  /* The representation: small values and pointers are immediates; words
   * that do not survive the shift take a node, and both run alike. */
  async(long) small = weft_return(long, -3);
  CHECK_INT_EQ(IS_IMMEDIATE(small), 1);
  CHECK_INT_EQ(run_long(small, &rc), -3);
  CHECK_INT_EQ(rc, 0);
  const long edges[] = {0, 1, -1, LONG_MAX / 2, LONG_MIN / 2, LONG_MAX / 2 + 1, LONG_MIN / 2 - 1, LONG_MAX, LONG_MIN};
  const int fits[] = {1, 1, 1, 1, 1, 0, 0, 0, 0};
  for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
    async(long) m = weft_return(long, edges[i]);
    CHECK_INT_EQ(IS_IMMEDIATE(m), fits[i]);
    CHECK_INT_EQ(run_long(weft_bind(weft_bind(m, same, NULL), same, NULL), &rc), edges[i]);
    CHECK_INT_EQ(rc, 0);
  }
  size_t big = SIZE_MAX - 1, got = 0;
  CHECK_INT_EQ(weft_run(weft_bind(weft_return(size_t, big), same_size, NULL), &got), 0);
  CHECK_UINT_EQ(got, big);
  big = (size_t)1 << (sizeof big * 8 - 1); /* the top bit alone: a node */
  CHECK_INT_EQ(IS_IMMEDIATE(weft_return(size_t, 1)), 1);
  CHECK_INT_EQ(weft_run(weft_bind(weft_return(size_t, big), same_size, NULL), &got), 0);
  CHECK_UINT_EQ(got, big);
  void *p = NULL;
  CHECK_INT_EQ(weft_run(weft_bind(weft_return(ptr, &calls), same_ptr, NULL), &p), 0);
  CHECK_PTR_EQ(p, &calls);

  /* Every sequencing combinator fed an immediate. */
  CHECK_INT_EQ(run_long(weft_bind(weft_return(long, 1), plus_one, NULL), &rc), 2);
  int i = 0;
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), forty_two, NULL), &i), 0);
  CHECK_INT_EQ(i, 42);
  CHECK_INT_EQ(run_long(weft_map(weft_return(long, 21), twice, NULL), &rc), 42);
  CHECK_INT_EQ(run_long(weft_catch(weft_return(long, 5), recover, NULL), &rc), 5);
  CHECK_INT_EQ(run_long(weft_catch(weft_fail(long, -EPIPE), recover, NULL), &rc), EPIPE);
  calls = 0;
  CHECK_INT_EQ(run_long(weft_finally(weft_return(long, 9), count, &calls), &rc), 9);
  CHECK_INT_EQ(calls, 1);
  CHECK_INT_EQ(weft_run(weft_bind(weft_timeout(weft_return(long, 4), 1000), count_long, &calls), NULL), 0);
  CHECK_INT_EQ(calls, 2);

  /* Through a slot, and as the sinks' and the concurrency combinators' operand. */
  struct holder h = {0};
  h.slot = weft_return(long, 11);
  CHECK_INT_EQ(run_long(weft_take(&h.slot), &rc), 11);
  h.slot = weft_return(long, 12);
  CHECK_INT_EQ(run_long(weft_bind(weft_take(&h.slot), plus_one, NULL), &rc), 13);
  CHECK_INT_EQ(run_long(weft_pick(weft_return(long, 1), weft_bind(weft_sleep_ms(1000), never, &calls)), &rc), 1);
  CHECK_INT_EQ(calls, 2); /* the loser never ran its continuation */
  CHECK_INT_EQ(weft_run(weft_join(weft_return(void), weft_then(weft_return(void), count, &calls)), NULL), 0);
  CHECK_INT_EQ(calls, 3);
  long a = 0, b = 0;
  CHECK_INT_EQ(weft_run(weft_both(weft_return(long, -8), weft_return(long, LONG_MIN), &a, &b), NULL), 0);
  CHECK_INT_EQ(a, -8);
  CHECK_INT_EQ(b, LONG_MIN);
  long values[5] = {0};
  CHECK_INT_EQ(weft_run(weft_all(5, make_value, NULL, values), NULL), 0);
  for (size_t k = 0; k < 5; k++) CHECK_INT_EQ(values[k], (long)k * 100 - 50);
  calls = 0;
  CHECK_INT_EQ(weft_run(weft_join_n(3, make_unit, &calls), NULL), 0);
  CHECK_INT_EQ(calls, 3);
  CHECK_INT_EQ(run_long(weft_pick_n(3, make_mixed, NULL), &rc), 7);
  CHECK_INT_EQ(run_long(weft_first_success(3, make_mixed, NULL), &rc), 7);

  /* Spawned, as a task, under a switch (on and off), under a lock. */
  calls = 0;
  weft_mutex_t *mx = weft_mutex_new();
  weft_switch_t *sw = weft_switch_new();
  CHECK_INT_EQ(weft_run(weft_then(weft_with_lock(mx, weft_return(void)), count, &calls), NULL), 0);
  CHECK_INT_EQ(calls, 1);
  CHECK_INT_EQ(run_long(weft_task_join(long, weft_spawn_task(weft_return(long, 77))), &rc), 77);
  CHECK_INT_EQ(rc, 0);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), spawner, sw), NULL), 0);
  CHECK_INT_EQ(weft_switch_count(sw), 0);
  CHECK_INT_EQ(spawned, 1);
  weft_switch_off(sw);
  CHECK_INT_EQ(weft_run(weft_then(weft_return(void), spawner, sw), NULL), 0); /* they start cancelled */
  CHECK_INT_EQ(spawned, 1);
  weft_switch_free(sw);
  weft_mutex_free(mx);

  /* An action left unrun (a cancelled fiber's next step) with an immediate inside. */
  calls = 0;
  CHECK_INT_EQ(run_long(weft_pick(weft_return(long, 3),
                                  weft_bind(weft_bind(weft_sleep_ms(1000), never, &calls), never, &calls)),
                        &rc),
               3);
  CHECK_INT_EQ(calls, 0);
  return 0;
}
