// RUN: %weft_verify %s
// Resolving, signalling, closing, offering without waiting and cancelling
// never yield: they only make waiters ready, so noyield code may call them.
#include <weft.h>

// expected-no-diagnostics

struct room {
  weft_promise_t *p;
  weft_chan_t *ch;
  weft_cond_t *c;
  weft_task_t *t;
  weft_switch_t *sw;
  weft_mutex_t *mx;
  weft_mvar_t *mv;
};

noyield int wake_everyone(struct room *r) {
  weft_promise_resolve(r->p, 1);
  weft_cond_signal(r->c);
  weft_cond_broadcast(r->c);
  int rc = weft_chan_try_send(r->ch, r);
  uintptr_t v;
  rc += weft_chan_try_recv(r->ch, &v);
  weft_chan_close(r->ch);
  weft_task_cancel(r->t);
  weft_switch_off(r->sw);
  return rc + (int)weft_chan_length(r->ch) + (int)weft_switch_count(r->sw) + weft_mutex_is_locked(r->mx) +
         weft_mvar_is_empty(r->mv) + weft_promise_is_resolved(r->p);
}

noyield void make_and_free(void) {
  weft_promise_t *p = weft_promise_new();
  weft_promise_reject(p, -5);
  weft_promise_free(p);
  weft_chan_free(weft_chan_new(4));
  weft_cond_free(weft_cond_new());
  weft_mutex_free(weft_mutex_new());
  weft_mvar_free(weft_mvar_new());
  weft_switch_free(weft_switch_new());
}

static async(long) fetch(struct room *r, size_t i) {
  (void)i;
  return weft_chan_recv(long, r->ch);
}

static async(void) k_long(struct room *r, long v) {
  (void)r;
  (void)v;
  return weft_return(void);
}

static async(void) pause_after(struct room *r) {
  (void)r;
  return weft_yield();
}

// The waits, combinators and sinks in ordinary async code.
async(void) uses(struct room *r, long *values) {
  weft_task_t *t = weft_spawn_task(weft_chan_recv(long, r->ch));
  weft_switch_spawn(r->sw, weft_mvar_put(r->mv, 3));
  async(void) all = weft_all(4, fetch, r, values);
  async(long) first = weft_first_success(4, fetch, r);
  async(void) both = weft_both(weft_task_join(long, t), first, &values[0], &values[1]);
  async(void) locked = weft_with_lock(r->mx, weft_join(all, both));
  async(void) picked = weft_then(weft_bind(weft_pick_n(2, fetch, r), k_long, r), pause_after, r);
  return weft_switch_scope(r->sw, weft_join(locked, picked));
}

int main(void) {
  struct room r = {0};
  weft_task_detach(weft_spawn_task(weft_yield()));
  weft_switch_spawn(r.sw, weft_yield());
  return weft_run(weft_promise_wait(int, r.p), NULL);
}
