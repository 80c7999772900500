/* sync_mutex.c: weft_with_lock: FIFO, mutual exclusion across yields, release on success, failure and cancellation.
 * Proves: no two critical sections overlap, waiters enter in order, and a holder that fails or is cancelled, or a waiter
 * cancelled before it entered (even one the mutex was just handed to), never leaves the mutex locked. */
#include <weft.h>

#include "check.h"

struct world {
  weft_mutex_t *mx;
  weft_switch_t *sw;
  weft_cond_t *c;
  int inside;
  char log[32];
  size_t len;
  int finals;
};

struct worker {
  struct world *w;
  char name;
};

static void note(struct world *w, char c) { w->log[w->len++] = c; }

static async(void) leave(struct worker *k) {
  k->w->inside--;
  note(k->w, (char)(k->name - 'a' + 'A'));
  return weft_return(void);
}
static async(void) yield_k(struct worker *k) {
  (void)k;
  return weft_yield();
}
/* Inside, the worker yields twice: the others run meanwhile, and must wait. */
static async(void) enter(struct worker *k) {
  CHECK_INT_EQ(k->w->inside, 0);
  k->w->inside++;
  note(k->w, k->name);
  return weft_then(weft_then(weft_yield(), yield_k, k), leave, k);
}
/* The section starts when it runs, not when it is built. */
static async(void) critical(struct worker *k) { return weft_then(weft_return(void), enter, k); }
static async(void) work(struct worker *k) { return weft_with_lock(k->w->mx, critical(k)); }

static async(void) three(struct worker *k) {
  for (int i = 0; i < 3; i++) weft_switch_spawn(k[0].w->sw, work(&k[i]));
  return weft_switch_join(k[0].w->sw);
}

static void exclusion_fifo(void) {
  struct world w = {.mx = weft_mutex_new(), .sw = weft_switch_new()};
  struct worker k[3] = {{&w, 'a'}, {&w, 'b'}, {&w, 'c'}};
  CHECK_INT_EQ(weft_run(three(k), NULL), 0);
  w.log[w.len] = '\0';
  CHECK_TRUE(strcmp(w.log, "aAbBcC") == 0);
  CHECK_TRUE(!weft_mutex_is_locked(w.mx));
  weft_mutex_free(w.mx);
  weft_switch_free(w.sw);
}

/* ---- release on failure and cancellation -------------------------------- */

static async(void) count_final(struct world *w) {
  w->finals++;
  return weft_return(void);
}

static async(long) nap(struct world *w, long ms) {
  return weft_finally(weft_sleep_ms(ms), count_final, w);
}

static void holder_fails_or_is_cancelled(void) {
  struct world w = {.mx = weft_mutex_new()};
  CHECK_INT_EQ(weft_run(weft_with_lock(w.mx, weft_fail(-EIO)), NULL), -EIO);
  CHECK_TRUE(!weft_mutex_is_locked(w.mx));
  CHECK_INT_EQ(weft_run(weft_timeout(weft_with_lock(w.mx, nap(&w, 60000)), 5), NULL), -ETIMEDOUT);
  CHECK_INT_EQ(w.finals, 1);
  CHECK_TRUE(!weft_mutex_is_locked(w.mx));
  long out = 0;
  CHECK_INT_EQ(weft_run(weft_with_lock(w.mx, weft_return(long, 7)), &out), 0);
  CHECK_INT_EQ(out, 7);
  weft_mutex_free(w.mx);
}

/* b gives up waiting (timeout) while a holds the mutex: its action never
 * runs, though its own finaliser does; c enters after a. */
static async(void) hold(struct worker *k) { return weft_with_lock(k->w->mx, critical(k)); }
static async(void) b_timed_out(struct worker *k, int err) {
  CHECK_INT_EQ(err, -ETIMEDOUT);
  note(k->w, 'x');
  return weft_return(void);
}
static async(void) impatient(struct worker *k) {
  async(void) m = weft_finally(critical(k), count_final, k->w);
  return weft_catch(weft_timeout(weft_with_lock(k->w->mx, m), 0), b_timed_out, k);
}
static async(void) waiter_cancelled(struct worker *k) {
  weft_switch_spawn(k[0].w->sw, hold(&k[0]));
  weft_switch_spawn(k[0].w->sw, impatient(&k[1]));
  weft_switch_spawn(k[0].w->sw, hold(&k[2]));
  return weft_switch_join(k[0].w->sw);
}

/* a signals b's other branch and leaves, handing the mutex to b; b's other
 * branch runs first and wins, so b, cancelled holding a mutex it never
 * used, must hand it on to c. */
static async(void) signal_and_leave(struct worker *k) {
  weft_cond_signal(k->w->c);
  return leave(k);
}
static async(void) enter_signal(struct worker *k) {
  k->w->inside++;
  note(k->w, k->name);
  return weft_then(weft_then(weft_yield(), yield_k, k), signal_and_leave, k);
}
static async(void) critical_signal(struct worker *k) { return weft_then(weft_return(void), enter_signal, k); }
static async(void) lost_race(struct worker *k) {
  note(k->w, 'x');
  return weft_return(void);
}
static async(void) racing(struct worker *k) {
  return weft_pick(weft_with_lock(k->w->mx, critical(k)), weft_then(weft_cond_wait(k->w->c), lost_race, k));
}
static async(void) then_c(struct worker *k) {
  weft_switch_spawn(k[0].w->sw, hold(&k[2])); /* queues behind b's lock branch */
  return weft_switch_join(k[0].w->sw);
}
static async(void) handed_then_cancelled(struct worker *k) {
  weft_switch_spawn(k[0].w->sw, weft_with_lock(k[0].w->mx, critical_signal(&k[0])));
  weft_switch_spawn(k[0].w->sw, racing(&k[1]));
  return weft_then(weft_yield(), then_c, k);
}

static void waiters_cancelled(void) {
  struct world w = {.mx = weft_mutex_new(), .sw = weft_switch_new(), .c = weft_cond_new()};
  struct worker k[3] = {{&w, 'a'}, {&w, 'b'}, {&w, 'c'}};
  CHECK_INT_EQ(weft_run(waiter_cancelled(k), NULL), 0);
  w.log[w.len] = '\0';
  fprintf(stderr, "%s\n", w.log);
  CHECK_TRUE(strcmp(w.log, "axAcC") == 0 || strcmp(w.log, "aAxcC") == 0); /* b gives up while a holds it */
  CHECK_INT_EQ(w.finals, 1);
  CHECK_TRUE(!weft_mutex_is_locked(w.mx));

  w.len = 0;
  CHECK_INT_EQ(weft_run(handed_then_cancelled(k), NULL), 0);
  w.log[w.len] = '\0';
  fprintf(stderr, "%s\n", w.log);
  CHECK_TRUE(strcmp(w.log, "aAxcC") == 0);
  CHECK_TRUE(!weft_mutex_is_locked(w.mx));
  weft_mutex_free(w.mx);
  weft_switch_free(w.sw);
  weft_cond_free(w.c);
}

int main(void) {
  exclusion_fifo();
  holder_fails_or_is_cancelled();
  waiters_cancelled();
  return 0;
}
