/* misuse_run_twice.c: an action used twice (run twice, or consumed by two binds) stops the program with a message.
 * Proves: the second use is refused loudly (non-zero exit, stderr says "twice" or "already"), never silent corruption. */
#include <weft.h>

#include "check.h"
#include "misuse.h"

static async(int) add_one(void *env, int v) {
  (void)env;
  return weft_return(int, v + 1);
}

static void run_twice(void) {
  int out = 0;
  async(int) m = weft_return(int, 1);
  weft_run(m, &out);
  weft_run(m, &out);
}

/* A primitive, always a node: a weft_return may be an immediate (NDEBUG
 * builds), a value with no node to mark as used, whose second use is
 * harmless and not reported (the checker reports it at compile time). */
static void bind_twice(void) {
  int out = 0;
  async(int) m = weft_sleep(0);
  async(int) a = weft_bind(m, add_one, NULL);
  async(int) b = weft_bind(m, add_one, NULL);
  weft_run(a, &out);
  weft_run(b, &out);
}

int main(void) {
#ifndef WEFT_TEST_RUNTIME_NDEBUG
  /* Only debug builds keep consumed actions around to recognise them. */
  expect_misuse("weft_run twice on one action", run_twice, "weft.*misuse.*(twice|already)");
#else
  (void)run_twice;
#endif
  expect_misuse("one action bound twice", bind_twice, "weft.*misuse.*(twice|already)");
  return 0;
}
