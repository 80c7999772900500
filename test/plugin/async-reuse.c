// RUN: %weft_verify %s
// Actions are linear: the runtime frees an action as it consumes it, so a
// second use, on any path, is an error that points at the first.
#include <weft.h>

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

async(void) twice(void) {
  async(str) m = weft_read(0, 1);
  async(void) a = weft_bind(m, k_print, NULL); // expected-note {{first used here}}
  // expected-error@+1 {{action 'm' is used twice; an action is consumed by its first use, build a new one instead}}
  async(void) b = weft_bind(m, k_print, NULL);
  return weft_join(a, b);
}

async(void) on_some_path(int c, async(str) m) {
  async(void) first = c ? weft_bind(m, k_print, NULL) : weft_return(void); // expected-note {{first used here}}
  // expected-error@+1 {{action 'm' may already have been used on some path}}
  return weft_join(first, weft_bind(m, k_print, NULL));
}

// A loop body runs many times (and maybe never, which drops m).
async(void) in_loop(async(void) m) { // expected-note {{action 'm' declared here}}
  async(void) all = weft_return(void);
  for (int i = 0; i < 3; i++)
    // expected-error@+2 {{action 'm' may already have been used on some path}}
    // expected-note@+1 {{first used here}}
    all = weft_join(all, m);
  return all; // expected-warning {{action 'm' is dropped on this path without being used}}
}
