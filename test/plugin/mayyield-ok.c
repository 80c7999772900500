// RUN: %weft_verify %s
// Close to the mayyield errors, but valid: every function that yields and is
// visible outside the file says so, or is static, main, async or a boundary.
#include <weft.h>

// expected-no-diagnostics

mayyield void start(void);

static async(void) job(void *env) {
  (void)env;
  return weft_return(void);
}

static void spawn_quietly(void) { weft_spawn(job(NULL)); }
void start(void) { spawn_quietly(); }                  // declared on its prototype
mayyield int run_one(void) { return weft_run(job(NULL), NULL); }
weft_boundary void poll_once(void) { weft_spawn(job(NULL)); }

// An async function may spawn: it is async, not mayyield.
async(void) fan_out(void) {
  weft_spawn(job(NULL));
  spawn_quietly();
  return job(NULL);
}

// Calling through a plain pointer does not make a function yield.
void call_back(void (*cb)(void)) { cb(); }

int main(void) {
  start();
  poll_once();
  return run_one() + weft_run(fan_out(), NULL);
}
