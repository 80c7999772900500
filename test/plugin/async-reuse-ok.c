// RUN: %weft_verify %s
// Close to async-reuse.c but valid: one use on each of two exclusive paths,
// and a loop that builds a fresh action each time round.
// expected-no-diagnostics
#include <weft.h>

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

async(void) exclusive(int c, async(str) m) {
  return c ? weft_bind(m, k_print, NULL) : weft_bind(m, k_print, (void *)1);
}

async(void) fresh_each_time(void) {
  async(void) all = weft_return(void);
  for (int i = 0; i < 3; i++) {
    async(void) m = weft_write(1, "x", 1);
    all = weft_join(all, m);
  }
  return all;
}
