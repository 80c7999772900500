/* sync_switch.c: weft_switch: 10^4 fibers spawned under a switch, all cancelled when it goes off or its scope ends.
 * Proves: every fiber's wait is released and its finaliser runs, weft_switch_join waits for them, a switch that is off
 * cancels what is spawned under it, and a scope's fibers never outlive it. */
#include <weft.h>

#include "check.h"

#define FIBERS 10000

struct world {
  weft_switch_t *sw;
  weft_cond_t *never;
  int finals;
  int started;
  int done;
};

static async(void) count_final(struct world *w) {
  w->finals++;
  return weft_return(void);
}
static async(void) mark(struct world *w, long slept) {
  (void)slept;
  w->done++;
  return weft_return(void);
}
static async(void) start(struct world *w) {
  w->started++;
  /* Half wait on a timer, half on a condition nobody signals. */
  if (w->started % 2) return weft_bind(weft_sleep_ms(60000), mark, w);
  return weft_cond_wait(w->never);
}
static async(void) sleeper(struct world *w) {
  return weft_finally(weft_then(weft_return(void), start, w), count_final, w);
}

static async(void) switch_off(struct world *w) {
  CHECK_INT_EQ(w->started, FIBERS);
  CHECK_UINT_EQ(weft_switch_count(w->sw), FIBERS);
  weft_switch_off(w->sw);
  CHECK_TRUE(!weft_switch_is_on(w->sw));
  return weft_switch_join(w->sw);
}
static async(void) late(struct world *w) {
  CHECK_INT_EQ(w->finals, FIBERS);
  CHECK_UINT_EQ(weft_switch_count(w->sw), 0);
  /* Spawned under a switch that is off: starts cancelled, only finalisers run. */
  weft_switch_spawn(w->sw, sleeper(w));
  return weft_switch_join(w->sw);
}
static async(void) ten_thousand(struct world *w) {
  for (int i = 0; i < FIBERS; i++) weft_switch_spawn(w->sw, sleeper(w));
  return weft_then(weft_then(weft_yield(), switch_off, w), late, w);
}

/* weft_switch_scope: the fibers end with the scope's action. */
static async(int) body_done(struct world *w) {
  (void)w;
  return weft_return(int, 5);
}
static async(int) body(struct world *w) {
  for (int i = 0; i < FIBERS; i++) weft_switch_spawn(w->sw, sleeper(w));
  return weft_then(weft_yield(), body_done, w);
}

int main(void) {
  struct world w = {.sw = weft_switch_new(), .never = weft_cond_new()};
  CHECK_INT_EQ(weft_run(ten_thousand(&w), NULL), 0);
  CHECK_INT_EQ(w.finals, FIBERS + 1);
  CHECK_INT_EQ(w.started, FIBERS);
  CHECK_INT_EQ(w.done, 0);
  weft_switch_free(w.sw);

  w = (struct world){.sw = weft_switch_new(), .never = w.never};
  int out = 0;
  CHECK_INT_EQ(weft_run(weft_switch_scope(w.sw, body(&w)), &out), 0);
  CHECK_INT_EQ(out, 5);
  CHECK_INT_EQ(w.finals, FIBERS);
  CHECK_UINT_EQ(weft_switch_count(w.sw), 0);
  weft_switch_free(w.sw);
  weft_cond_free(w.never);
  return 0;
}
