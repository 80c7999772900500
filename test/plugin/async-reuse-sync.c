// RUN: %weft_verify %s
// A wait is consumed by its first use like any action: waiting twice for a
// promise or a channel takes two wait actions, not one used twice.
#include <weft.h>

static async(void) k_long(void *env, long v) {
  (void)env;
  (void)v;
  return weft_return(void);
}

async(void) promise_twice(weft_promise_t *p) {
  async(long) w = weft_promise_wait(long, p);
  // expected-note@+2 {{first used here}}
  // expected-error@+1 {{action 'w' is used twice; an action is consumed by its first use, build a new one instead}}
  return weft_join(weft_bind(w, k_long, NULL), weft_bind(w, k_long, NULL));
}

async(long) recv_twice(weft_chan_t *ch) {
  async(long) r = weft_chan_recv(long, ch);
  weft_spawn(weft_bind(r, k_long, NULL)); // expected-note {{first used here}}
  return r; // expected-error {{action 'r' is used twice; an action is consumed by its first use, build a new one instead}}
}

async(void) lock_twice(weft_mutex_t *mx) {
  async(void) section = weft_yield();
  async(void) a = weft_with_lock(mx, section); // expected-note {{first used here}}
  // expected-error@+1 {{action 'section' is used twice; an action is consumed by its first use, build a new one instead}}
  return weft_join(a, weft_with_lock(mx, section));
}

async(void) spawn_task_twice(void) {
  async(void) m = weft_yield();
  weft_task_detach(weft_spawn_task(m)); // expected-note {{first used here}}
  // expected-error@+1 {{action 'm' is used twice; an action is consumed by its first use, build a new one instead}}
  weft_task_detach(weft_spawn_task(m));
  return weft_return(void);
}
