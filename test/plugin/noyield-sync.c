// RUN: %weft_verify %s
// Waiting is a yield: a noyield function builds no wait, and starting a
// task or a fiber under a switch re-enters the loop like weft_spawn.
#include <weft.h>

noyield void waits(weft_cond_t *c) {
  // expected-error@+2 {{'noyield' function 'waits' declares 'w' of action type 'async(void)'; build actions in a function that returns async(...)}}
  // expected-error@+1 {{action of type 'async(void)' is built in 'waits', which does not return an action}}
  async(void) w = weft_cond_wait(c);
  weft_spawn(w); // expected-error {{'noyield' function 'waits' calls 'weft_spawn', which yields; call it from the function's caller instead}}
}

noyield void spawns(weft_switch_t *sw) {
  // expected-error@+1 {{'noyield' function 'spawns' calls 'weft_spawn_task', which yields; call it from the function's caller instead}}
  weft_task_t *t = weft_spawn_task(weft_return(void));
  weft_task_detach(t);
  // expected-error@+1 {{'noyield' function 'spawns' calls 'weft_switch_spawn', which yields; call it from the function's caller instead}}
  weft_switch_spawn(sw, weft_return(void));
}

static void helper_joins(weft_switch_t *sw) {
  weft_switch_spawn(sw, weft_yield()); // expected-note {{'helper_joins' calls 'weft_switch_spawn' here}}
}

noyield void through_helper(weft_switch_t *sw) {
  helper_joins(sw); // expected-error {{'noyield' function 'through_helper' calls 'helper_joins', which may yield}}
}
