// RUN: %weft_verify %s
// A blocking call in a function reachable from async context is warned at the
// call, with one note per step from the async function that reaches it.
#include <weft.h>

#include <unistd.h>

static int load_config(void) {
  sleep(1); // expected-warning {{call to 'sleep' blocks the event loop; use 'weft_sleep' instead}}
  return 3;
}

static int settings(void) {
  return load_config(); // expected-note {{'settings' calls 'load_config' here}}
}

async(int) handler(void) {
  return weft_return(int, settings()); // expected-note {{'handler' calls 'settings' here}}
}

// A function given to weft_map is called by the loop: it is async context.
static long slow_double(void *env, int v) {
  (void)env;
  usleep(100); // expected-warning {{call to 'usleep' blocks the event loop; use 'weft_sleep_ms' instead}}
  return 2L * v;
}
async(long) doubled(void) {
  return weft_map(handler(), slow_double, NULL); // expected-note {{'doubled' gives 'slow_double' to 'weft_map' here, and the event loop calls it}}
}

// Not reachable from async context: not warned.
static void warm_up(void) { sleep(1); }
int main(void) {
  warm_up();
  int n = 0;
  return weft_run(handler(), &n);
}
