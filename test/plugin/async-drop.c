// RUN: %weft_verify %s
// A dropped action never runs and leaks its node: discarded as a statement,
// cast to void, never used, overwritten, or forgotten on one path.
#include <weft.h>

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

async(void) statement(void) {
  // expected-warning@+1 {{action of type 'async(void)' is discarded and never runs; return it, bind it, or start it with weft_spawn}}
  weft_write(1, "x", 1);
  return weft_return(void);
}

async(void) void_cast(void) {
  // expected-warning@+1 {{casting an action of type 'async(void)' to void drops it and it never runs}}
  (void)weft_write(1, "x", 1);
  return weft_return(void);
}

async(void) unused_local(void) {
  // expected-warning@+1 {{action 'm' of type 'async(str)' is never used; return it or bind it}}
  async(str) m = weft_read(0, 1);
  return weft_return(void);
}

// expected-warning@+1 {{action 'm' of type 'async(int)' is never used}}
async(void) unused_param(async(int) m) { return weft_return(void); }

async(void) overwritten(void) {
  async(str) m = weft_read(0, 1); // expected-note {{previous action assigned here}}
  // expected-warning@+1 {{action 'm' is overwritten before it is used; use the previous action first}}
  m = weft_read(0, 2);
  return weft_bind(m, k_print, NULL);
}

async(void) one_path(int early) {
  async(str) m = weft_read(0, 1); // expected-note {{action 'm' declared here}}
  if (early)
    // expected-warning@+1 {{action 'm' is dropped on this path without being used; use it on every path}}
    return weft_return(void);
  return weft_bind(m, k_print, NULL);
}
