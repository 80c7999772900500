/* sync_lock_unstarted.c: weft_with_lock in a fiber cancelled before the lock was even asked for.
 * Proves: the critical section's own finalisers still run (a task cancelled before it ran, a fiber spawned under a
 * switch that is off, with_lock nested in with_lock and in weft_finally), and the mutex is neither taken nor lost. */
#include <weft.h>

#include "check.h"

struct world {
  weft_mutex_t *mx, *mx2;
  weft_switch_t *sw;
  int finals;
  int ran;
};

static async(void) count_final(struct world *w) {
  w->finals++;
  return weft_return(void);
}

static async(void) body(struct world *w) {
  w->ran++;
  return weft_yield();
}

/* The critical section: it acquired something that its finaliser gives back. */
static async(void) section(struct world *w) {
  return weft_finally(weft_then(weft_return(void), body, w), count_final, w);
}

/* A task cancelled before its fiber first ran. */
static async(void) cancelled_task(struct world *w) {
  weft_task_t *t = weft_spawn_task(weft_with_lock(w->mx, section(w)));
  weft_task_cancel(t);
  return weft_task_join(void, t);
}

/* Spawned under a switch that is off: it starts cancelled. */
static async(void) switched_off(struct world *w) {
  weft_switch_off(w->sw);
  weft_switch_spawn(w->sw, weft_with_lock(w->mx, section(w)));
  return weft_switch_join(w->sw);
}

/* Two locks, one inside the other, and a finaliser around both. */
static async(void) nested(struct world *w) {
  weft_task_t *t =
      weft_spawn_task(weft_finally(weft_with_lock(w->mx, weft_with_lock(w->mx2, section(w))), count_final, w));
  weft_task_cancel(t);
  return weft_task_join(void, t);
}

/* The mutex is held by another fiber meanwhile: it stays that fiber's
 * until it is done, and then nobody holds it. */
static async(void) while_held(struct world *w) {
  weft_spawn(weft_with_lock(w->mx, section(w)));
  weft_task_t *t = weft_spawn_task(weft_with_lock(w->mx, section(w)));
  weft_task_cancel(t);
  return weft_task_join(void, t);
}

int main(void) {
  struct world w = {0};
  w.mx = weft_mutex_new();
  w.mx2 = weft_mutex_new();
  w.sw = weft_switch_new();
  CHECK_INT_EQ(weft_run(cancelled_task(&w), NULL), -ECANCELED);
  CHECK_INT_EQ(w.finals, 1);
  CHECK_INT_EQ(w.ran, 0);
  CHECK_INT_EQ(weft_run(switched_off(&w), NULL), 0);
  CHECK_INT_EQ(w.finals, 2);
  CHECK_INT_EQ(w.ran, 0);
  CHECK_INT_EQ(weft_run(nested(&w), NULL), -ECANCELED);
  CHECK_INT_EQ(w.finals, 4);
  CHECK_INT_EQ(w.ran, 0);
  CHECK_INT_EQ(weft_run(while_held(&w), NULL), -ECANCELED);
  CHECK_INT_EQ(w.finals, 6); /* the cancelled one's and the holder's */
  CHECK_INT_EQ(w.ran, 1);
  CHECK_TRUE(!weft_mutex_is_locked(w.mx));
  CHECK_TRUE(!weft_mutex_is_locked(w.mx2));
  CHECK_UINT_EQ(weft_switch_count(w.sw), 0);
  weft_switch_free(w.sw);
  weft_mutex_free(w.mx2);
  weft_mutex_free(w.mx);
  return 0;
}
