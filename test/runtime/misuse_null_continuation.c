/* misuse_null_continuation.c: a NULL continuation given to weft_bind or weft_then stops the program with a message.
 * Proves: each is refused loudly (non-zero exit, stderr says "NULL continuation") instead of jumping to address 0. */
#include <weft.h>

#include "check.h"
#include "misuse.h"

static async(int) (*volatile null_k)(void *env, int v);
static async(int) (*volatile null_then)(void *env);

static void bind_null(void) {
  int out = 0;
  async(int) (*k)(void *, int) = null_k;
  weft_run(weft_bind(weft_return(int, 1), k, NULL), &out);
}

static void then_null(void) {
  int out = 0;
  async(int) (*k)(void *) = null_then;
  weft_run(weft_then(weft_return(void), k, NULL), &out);
}

int main(void) {
  expect_misuse("weft_bind with a NULL continuation", bind_null, "weft.*misuse.*NULL continuation");
  expect_misuse("weft_then with a NULL continuation", then_null, "weft.*misuse.*NULL continuation");
  return 0;
}
