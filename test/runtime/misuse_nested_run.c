/* misuse_nested_run.c: weft_run called inside a running loop (from a continuation) stops the program with a message.
 * Proves: the nested call is refused loudly (non-zero exit, stderr says "inside a running loop"), not run recursively. */
#include <weft.h>

#include "check.h"
#include "misuse.h"

static async(int) nested(void *env, int v) {
  int inner = 0;
  (void)env;
  weft_run(weft_return(int, v), &inner);
  return weft_return(int, inner);
}

static void run_nested(void) {
  int out = 0;
  weft_run(weft_bind(weft_return(int, 1), nested, NULL), &out);
}

int main(void) {
  expect_misuse("weft_run inside a continuation", run_nested, "weft.*misuse.*inside a running loop");
  return 0;
}
