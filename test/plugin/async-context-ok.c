// RUN: %weft_verify %s
// Close to async-context.c but valid: main builds its actions, combinators
// included, as the direct argument of weft_run, and an action it is given
// (a parameter) may be run.
// expected-no-diagnostics
#include <weft.h>

static async(void) k_print(void *env, char *s) {
  (void)env;
  (void)s;
  return weft_return(void);
}

static int run_given(async(void) m) { return weft_run(m, NULL); }

int main(void) {
  int out;
  if (weft_run(weft_return(int, 3), &out) != 0)
    return 1;
  if (weft_run(weft_bind(weft_read(0, 1), k_print, NULL), NULL) != 0)
    return 1;
  return 0;
}
