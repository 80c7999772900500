// RUN: %weft_verify %s
// The waits of weft.h sections 8 to 13 are actions like any other: one
// dropped never runs (a promise waited for by nobody, a send that never
// happens, a lock never taken).
#include <weft.h>

struct room {
  weft_promise_t *p;
  weft_chan_t *ch;
  weft_mvar_t *mv;
  weft_cond_t *c;
  weft_mutex_t *mx;
  weft_switch_t *sw;
};

async(void) dropped_waits(struct room *r) {
  // expected-warning@+1 {{action of type 'async(long)' is discarded and never runs; return it or bind it}}
  weft_promise_wait(long, r->p);
  // expected-warning@+1 {{action of type 'async(ptr)' is discarded and never runs; return it or bind it}}
  weft_chan_recv(ptr, r->ch);
  // expected-warning@+1 {{action of type 'async(int)' is discarded and never runs; return it or bind it}}
  weft_mvar_take(int, r->mv);
  // expected-warning@+1 {{action of type 'async(void)' is discarded and never runs; return it, bind it, or start it with weft_spawn}}
  weft_cond_wait(r->c);
  // expected-warning@+1 {{action of type 'async(void)' is discarded and never runs; return it, bind it, or start it with weft_spawn}}
  weft_yield();
  // expected-warning@+1 {{action of type 'async(void)' is discarded and never runs; return it, bind it, or start it with weft_spawn}}
  weft_switch_join(r->sw);
  return weft_return(void);
}

async(void) dropped_sends(struct room *r) {
  // expected-warning@+1 {{action of type 'async(void)' is discarded and never runs; return it, bind it, or start it with weft_spawn}}
  weft_chan_send(r->ch, 1);
  // expected-warning@+1 {{casting an action of type 'async(void)' to void drops it and it never runs}}
  (void)weft_mvar_put(r->mv, 2);
  return weft_return(void);
}

async(void) unused(struct room *r) {
  // expected-warning@+1 {{action 'locked' of type 'async(int)' is never used; return it or bind it}}
  async(int) locked = weft_with_lock(r->mx, weft_return(int, 1));
  // expected-warning@+1 {{action 'joined' of type 'async(long)' is never used; return it or bind it}}
  async(long) joined = weft_task_join(long, weft_spawn_task(weft_sleep_ms(1)));
  return weft_return(void);
}
