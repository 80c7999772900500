// RUN: %weft_verify %s
// Close to run-in-async.c but valid: the same weft_run in main, and the
// async function binds instead.
// expected-no-diagnostics
#include <weft.h>

static async(int) k_twice(void *env, int slept) {
  (void)env;
  return weft_return(int, 2 * slept);
}

static async(int) bound(void) { return weft_bind(weft_sleep(1), k_twice, NULL); }

int main(void) {
  int slept = 0;
  return weft_run(bound(), &slept);
}
